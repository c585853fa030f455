//! The verifier's unit tests: the published vectors, one test per check in the
//! framework's order, and the collection and base-string details.
//!
//! Valid requests here are signed with this crate's own [`base_string`] and
//! [`signature`] (see [`sign`]): that tests the check order, not the signing, which the
//! vectors pin. Requests signed by an independent client are tested in `sim-magento`
//! (`tests/oauth_clients.rs`, `tests/oauth_props.rs`).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use crate::base::{merge_sort, strnatcmp};
use crate::params::url_decode;
use crate::php::{php_int_cast, php_loosely_one};
use crate::*;

const CK: &str = "ck0123456789abcdef0123456789abcd";
const CS: &str = "cs0123456789abcdef0123456789abcd";
const AT: &str = "at0123456789abcdef0123456789abcd";
const TS: &str = "ts0123456789abcdef0123456789abcd";
const NOW: i64 = 1_700_000_000;
const HOST: &str = "magento.test:8080";
const PATH: &str = "/magento-2.4.0/rest/default/V1/products";

/// The Magento framework's settings from 2.4.4 on.
const FRAMEWORK: Policy = Policy {
    allow_hmac_sha1: false,
    max_future_skew_secs: 600,
    param_order: ParamOrder::Natural,
    nonce_max_chars: Some(32),
    key_length: Some(32),
};

/// A 32-character value starting with `prefix`.
fn k(prefix: &str) -> String {
    format!("{prefix:x<32}")
}

#[derive(Default)]
struct MemStore {
    consumers: HashMap<String, Consumer>,
    tokens: HashMap<String, AccessToken>,
    nonces: HashSet<(u64, String)>,
    burned: Vec<(u64, String, i64)>,
}

impl OAuthStore for MemStore {
    fn consumer(&self, key: &str) -> Option<Consumer> {
        self.consumers.get(key).cloned()
    }
    fn token(&self, token: &str) -> Option<AccessToken> {
        self.tokens.get(token).cloned()
    }
    fn burn_nonce(&mut self, consumer_id: u64, nonce: &str, timestamp: i64, _now: i64) -> bool {
        self.burned.push((consumer_id, nonce.to_owned(), timestamp));
        self.nonces.insert((consumer_id, nonce.to_owned()))
    }
}

fn token(consumer_id: u64, secret: &str, is_access: bool, revoked: bool) -> AccessToken {
    AccessToken {
        consumer_id,
        secret: secret.to_owned(),
        is_access,
        revoked,
    }
}

fn store() -> MemStore {
    let mut s = MemStore::default();
    s.consumers.insert(
        CK.to_owned(),
        Consumer {
            id: 1,
            secret: CS.to_owned(),
        },
    );
    s.consumers.insert(
        k("ck2"),
        Consumer {
            id: 2,
            secret: k("cs2"),
        },
    );
    s.tokens.insert(AT.to_owned(), token(1, TS, true, false));
    s.tokens.insert(k("at2"), token(2, &k("ts2"), true, false));
    s.tokens
        .insert(k("request"), token(1, &k("rs"), false, false));
    s.tokens
        .insert(k("revoked"), token(1, &k("vs"), true, true));
    s
}

/// One consumer's and token's credentials.
struct Creds {
    consumer_key: String,
    consumer_secret: String,
    token: String,
    token_secret: String,
}

fn creds() -> Creds {
    Creds {
        consumer_key: CK.into(),
        consumer_secret: CS.into(),
        token: AT.into(),
        token_secret: TS.into(),
    }
}

/// An owned request, so tests can build one and borrow an `OAuthRequest` from it.
#[derive(Clone)]
struct Req {
    method: String,
    scheme: String,
    host: String,
    path: String,
    query: Option<String>,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Req {
    fn get(query: Option<&str>, authorization: &str) -> Self {
        Req {
            method: "GET".into(),
            scheme: "http".into(),
            host: HOST.into(),
            path: PATH.into(),
            query: query.map(str::to_owned),
            authorization: Some(authorization.to_owned()),
            content_type: None,
            body: Vec::new(),
        }
    }

    fn oauth(&self) -> OAuthRequest<'_> {
        OAuthRequest {
            method: &self.method,
            scheme: &self.scheme,
            host: &self.host,
            path: &self.path,
            query: self.query.as_deref(),
            authorization: self.authorization.as_deref(),
            content_type: self.content_type.as_deref(),
            body: &self.body,
        }
    }

    fn verify(&self, store: &mut MemStore) -> Result<Verified, OAuthError> {
        verify(&self.oauth(), store, NOW, &FRAMEWORK)
    }
}

/// `OAuth k="pct(v)",…` in the order given.
fn header_of(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{n}=\"{}\"", percent_encode(v.as_bytes())))
        .collect();
    format!("OAuth {}", parts.join(","))
}

/// Signs `req` with this crate's own pieces: the header's usual parameters, then
/// `oauth_signature` over what [`collect_params`] collects from the whole request.
fn sign(
    req: &mut Req,
    who: &Creds,
    method: SignatureMethod,
    order: ParamOrder,
    nonce: &str,
    ts: i64,
) {
    let ts = ts.to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("oauth_consumer_key", &who.consumer_key),
        ("oauth_token", &who.token),
        ("oauth_signature_method", method.name()),
        ("oauth_version", "1.0"),
        ("oauth_timestamp", &ts),
        ("oauth_nonce", nonce),
    ];
    req.authorization = Some(header_of(&pairs));
    let params = collect_params(&req.oauth()).params;
    let base = base_string(
        &req.method,
        &base_url(&req.scheme, &req.host, &req.path),
        &params,
        order,
    );
    let sig = signature(method, &who.consumer_secret, &who.token_secret, &base);
    pairs.push(("oauth_signature", &sig));
    req.authorization = Some(header_of(&pairs));
}

/// A request with `query`, signed with HMAC-SHA256 in natural order.
fn signed(method: &str, query: Option<&str>, nonce: &str, ts: i64) -> Req {
    let mut req = Req::get(query, "");
    req.method = method.into();
    sign(
        &mut req,
        &creds(),
        SignatureMethod::HmacSha256,
        ParamOrder::Natural,
        nonce,
        ts,
    );
    req
}

/// A header with the usual parameters, `overrides` replacing (`Some`) or removing
/// (`None`) some of them. The signature is not valid.
fn header_with(overrides: &[(&str, Option<&str>)]) -> String {
    let ts = NOW.to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("oauth_consumer_key", CK),
        ("oauth_token", AT),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_version", "1.0"),
        ("oauth_timestamp", &ts),
        ("oauth_nonce", "n0nce"),
        ("oauth_signature", "not-the-signature"),
    ];
    for &(name, value) in overrides {
        match (pairs.iter().position(|(n, _)| *n == name), value) {
            (Some(i), Some(v)) => pairs[i].1 = v,
            (Some(i), None) => {
                pairs.remove(i);
            }
            (None, Some(v)) => pairs.push((name, v)),
            (None, None) => {}
        }
    }
    header_of(&pairs)
}

fn attempt(overrides: &[(&str, Option<&str>)]) -> Result<Verified, OAuthError> {
    Req::get(None, &header_with(overrides)).verify(&mut store())
}

#[track_caller]
fn assert_verified(result: Result<Verified, OAuthError>) {
    assert_eq!(
        result.expect("verified"),
        Verified {
            consumer_id: 1,
            token: AT.to_owned()
        }
    );
}

/// `text` with the lowest bit of its byte at `at` flipped.
fn flip_bit(text: &str, at: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] ^= 1;
    String::from_utf8(bytes).expect("ASCII stays ASCII")
}

// --- published vectors ----------------------------------------------------------

// Magento reference §2.5.5 (confirmed there with oauthlib 4.0.1).
const WORKED_QUERY_RAW: &str = "searchCriteria[pageSize]=10&searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=WS12%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like";
const WORKED_QUERY_ENCODED: &str = "searchCriteria%5BpageSize%5D=10&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=sku&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=WS12%25&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D=like";
const WORKED_PARAMS: &str = "oauth_consumer_key=ck0123456789abcdef0123456789abcd&oauth_nonce=n0nce0001&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1700000000&oauth_token=at0123456789abcdef0123456789abcd&oauth_version=1.0&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D=like&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=sku&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=WS12%25&searchCriteria%5BpageSize%5D=10";
const WORKED_BASE: &str = "GET&http%3A%2F%2Fmagento.test%3A8080%2Fmagento-2.4.0%2Frest%2Fdefault%2FV1%2Fproducts&oauth_consumer_key%3Dck0123456789abcdef0123456789abcd%26oauth_nonce%3Dn0nce0001%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26oauth_token%3Dat0123456789abcdef0123456789abcd%26oauth_version%3D1.0%26searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bcondition_type%255D%3Dlike%26searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bfield%255D%3Dsku%26searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bvalue%255D%3DWS12%2525%26searchCriteria%255BpageSize%255D%3D10";
const WORKED_SIGNATURE: &str = "gyyfyVUBevRx0M0bZPNYI4poUTQY0nnKRjrR+mIHD9o=";

fn worked_header(signature: &str) -> String {
    header_of(&[
        ("oauth_consumer_key", CK),
        ("oauth_token", AT),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_version", "1.0"),
        ("oauth_timestamp", "1700000000"),
        ("oauth_nonce", "n0nce0001"),
        ("oauth_signature", signature),
    ])
}

#[test]
fn worked_example_parameter_string_base_string_and_signature() {
    let req = Req::get(Some(WORKED_QUERY_RAW), &worked_header("x"));
    let collected = collect_params(&req.oauth());
    assert_eq!(
        normalized_params(&collected.signable(), ParamOrder::Natural),
        WORKED_PARAMS
    );
    assert_eq!(
        normalized_params(&collected.signable(), ParamOrder::Bytes),
        WORKED_PARAMS,
        "the orders agree on this set"
    );
    assert_eq!(
        base_url("http", HOST, PATH),
        "http://magento.test:8080/magento-2.4.0/rest/default/V1/products"
    );
    let base = base_string(
        "GET",
        &base_url("http", HOST, PATH),
        &collected.params,
        ParamOrder::Natural,
    );
    assert_eq!(base, WORKED_BASE);
    assert_eq!(
        signature(SignatureMethod::HmacSha256, CS, TS, &base),
        WORKED_SIGNATURE
    );
    assert!(
        worked_header(WORKED_SIGNATURE)
            .contains("oauth_signature=\"gyyfyVUBevRx0M0bZPNYI4poUTQY0nnKRjrR%2BmIHD9o%3D\"")
    );
    let ok = Req::get(Some(WORKED_QUERY_RAW), &worked_header(WORKED_SIGNATURE));
    assert_verified(ok.verify(&mut store()));
}

#[test]
fn worked_example_with_one_bit_changed_is_refused() {
    // `pageSize]=10` → `=11`: '0' and '1' differ in one bit.
    let at = WORKED_QUERY_RAW.find("=10").expect("pageSize") + 2;
    let query = flip_bit(WORKED_QUERY_RAW, at);
    assert!(query.starts_with("searchCriteria[pageSize]=11&"));
    let req = Req::get(Some(&query), &worked_header(WORKED_SIGNATURE));
    assert_eq!(req.verify(&mut store()), Err(OAuthError::InvalidSignature));
    // The signature itself, one bit off ('g' → 'f').
    let sig = flip_bit(WORKED_SIGNATURE, 0);
    let req = Req::get(Some(WORKED_QUERY_RAW), &worked_header(&sig));
    assert_eq!(req.verify(&mut store()), Err(OAuthError::InvalidSignature));
    // And the secret: one bit of the token secret.
    let mut s = store();
    s.tokens
        .insert(AT.to_owned(), token(1, &flip_bit(TS, 0), true, false));
    let req = Req::get(Some(WORKED_QUERY_RAW), &worked_header(WORKED_SIGNATURE));
    assert_eq!(req.verify(&mut s), Err(OAuthError::InvalidSignature));
}

#[test]
fn worked_example_signs_identically_with_encoded_brackets() {
    let raw = Req::get(Some(WORKED_QUERY_RAW), &worked_header("x"));
    let encoded = Req::get(Some(WORKED_QUERY_ENCODED), &worked_header("x"));
    let url = base_url("http", HOST, PATH);
    let natural = ParamOrder::Natural;
    assert_eq!(
        base_string(
            "GET",
            &url,
            &collect_params(&encoded.oauth()).params,
            natural
        ),
        base_string("GET", &url, &collect_params(&raw.oauth()).params, natural)
    );
    let ok = Req::get(Some(WORKED_QUERY_ENCODED), &worked_header(WORKED_SIGNATURE));
    assert_verified(ok.verify(&mut store()));
}

/// OAuth Core 1.0, Appendix A.5 (photos.example.net): 16-character keys, HMAC-SHA1.
fn photos_request(signature: &str) -> Req {
    let header = format!(
        "OAuth realm=\"http://photos.example.net/\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"{}\", oauth_timestamp=\"1191242096\", oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"",
        percent_encode(signature.as_bytes())
    );
    let mut req = Req::get(Some("file=vacation.jpg&size=original"), &header);
    req.host = "photos.example.net".into();
    req.path = "/photos".into();
    req
}

fn photos_store() -> MemStore {
    let mut s = MemStore::default();
    s.consumers.insert(
        "dpf43f3p2l4k3l03".into(),
        Consumer {
            id: 9,
            secret: "kd94hf93k423kf44".into(),
        },
    );
    s.tokens.insert(
        "nnch734d00sl2jdk".into(),
        token(9, "pfkkdhi9sl3r4s00", true, false),
    );
    s
}

#[test]
fn oauth_core_appendix_a5_hmac_sha1() {
    let req = photos_request("x");
    let params = collect_params(&req.oauth()).params;
    let base = base_string(
        "GET",
        &base_url("http", &req.host, &req.path),
        &params,
        ParamOrder::Bytes,
    );
    assert_eq!(
        base,
        "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
    );
    let sig = signature(
        SignatureMethod::HmacSha1,
        "kd94hf93k423kf44",
        "pfkkdhi9sl3r4s00",
        &base,
    );
    assert_eq!(sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");

    let policy = Policy::default();
    let now = 1_191_242_096;
    let ok = photos_request("tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    assert_eq!(
        verify(&ok.oauth(), &mut photos_store(), now, &policy).map(|v| v.consumer_id),
        Ok(9)
    );
    // One bit off in the query (`size=original` → `size=originam`).
    let mut bad = ok.clone();
    bad.query = Some("file=vacation.jpg&size=originam".into());
    assert_eq!(
        verify(&bad.oauth(), &mut photos_store(), now, &policy),
        Err(OAuthError::InvalidSignature)
    );
    // Magento's 32-character keys refuse it before the signature.
    assert_eq!(
        verify(&ok.oauth(), &mut photos_store(), now, &FRAMEWORK),
        Err(OAuthError::TokenLength)
    );
}

/// X (Twitter) developer documentation, "Creating a signature": a POST with a query
/// parameter and a form body, HMAC-SHA1.
#[test]
fn x_developer_docs_example_with_a_form_body() {
    let sig = "hCtSmYh+iHYCEqBWrE7C7hYmtUk=";
    let request = |signature: &str, body: &str| {
        let header = header_of(&[
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            ("oauth_signature", signature),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            (
                "oauth_token",
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            ),
            ("oauth_version", "1.0"),
        ]);
        let mut req = Req::get(Some("include_entities=true"), &header);
        req.method = "POST".into();
        req.scheme = "https".into();
        req.host = "api.twitter.com".into();
        req.path = "/1.1/statuses/update.json".into();
        req.content_type = Some("application/x-www-form-urlencoded".into());
        req.body = body.as_bytes().to_vec();
        req
    };
    let body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21";
    let x_store = || {
        let mut s = MemStore::default();
        s.consumers.insert(
            "xvz1evFS4wEEPTGEFPHBog".into(),
            Consumer {
                id: 3,
                secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw".into(),
            },
        );
        s.tokens.insert(
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb".into(),
            token(3, "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE", true, false),
        );
        s
    };
    let ok = request(sig, body);
    let params = collect_params(&ok.oauth()).params;
    assert_eq!(
        params.get("status"),
        Some(&b"Hello Ladies + Gentlemen, a signed OAuth request!"[..])
    );
    let now = 1_318_622_958;
    let policy = Policy::default();
    assert_eq!(
        verify(&ok.oauth(), &mut x_store(), now, &policy).map(|v| v.consumer_id),
        Ok(3)
    );
    // One bit off in the body ('!' → ' ' is `%21` → `%20`).
    let bad = request(sig, &flip_bit(body, body.len() - 1));
    assert_eq!(
        verify(&bad.oauth(), &mut x_store(), now, &policy),
        Err(OAuthError::InvalidSignature)
    );
}

#[test]
fn seed_trace_header_parses() {
    let header = "OAuth oauth_consumer_key=\"0uhhig77uio82511tzfvv3ffidovtmif\",oauth_token=\"pr1medk9ow89uad71fm9rwrirvq0vy5v\",oauth_signature_method=\"HMAC-SHA256\",oauth_version=\"1.0\",oauth_timestamp=\"1753130948\",oauth_nonce=\"db96b5fb727f205b80383ab337b35f65\",oauth_signature=\"dI8BWGDxyUvE1od6W4AYbBKWVQ87777oORj1y9SFwqw%3D\"";
    assert!(is_oauth(Some(header)));
    let mut req = Req::get(None, header);
    req.host = "www.stores.local".into();
    req.path = "/magento-2.4.0/rest/V1/store/storeViews".into();
    let collected = collect_params(&req.oauth());
    let expected: ParamList<'_> = [
        ("oauth_consumer_key", "0uhhig77uio82511tzfvv3ffidovtmif"),
        ("oauth_token", "pr1medk9ow89uad71fm9rwrirvq0vy5v"),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_version", "1.0"),
        ("oauth_timestamp", "1753130948"),
        ("oauth_nonce", "db96b5fb727f205b80383ab337b35f65"),
        (
            "oauth_signature",
            "dI8BWGDxyUvE1od6W4AYbBKWVQ87777oORj1y9SFwqw=",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(collected.header, expected);
    assert_eq!(collected.params, expected);
    assert_eq!(
        base_url("http", &req.host, &req.path),
        "http://www.stores.local/magento-2.4.0/rest/V1/store/storeViews"
    );
}

// --- the checks, one test per row of Magento reference §2.5.6 -------------------

#[test]
fn row_1_unsupported_version() {
    assert_eq!(
        attempt(&[("oauth_version", Some("2.0"))]),
        Err(OAuthError::UnsupportedVersion("2.0".into()))
    );
    // Checked before the required parameters.
    assert_eq!(
        attempt(&[("oauth_version", Some("")), ("oauth_nonce", None)]),
        Err(OAuthError::UnsupportedVersion(String::new()))
    );
}

#[test]
fn row_1_version_is_compared_loosely_and_is_optional() {
    for version in [Some("1"), Some("1.00"), Some(" 1.0"), Some("1e0"), None] {
        let mut req = signed("GET", None, "n", NOW);
        let auth = req.authorization.take().unwrap_or_default();
        let auth = match version {
            Some(v) => auth.replace(
                "oauth_version=\"1.0\"",
                &format!("oauth_version=\"{}\"", percent_encode(v.as_bytes())),
            ),
            None => auth.replace("oauth_version=\"1.0\",", ""),
        };
        req.authorization = Some(auth);
        // The version is signed too, so only the check is compared, not the outcome.
        assert_eq!(req.verify(&mut store()), Err(OAuthError::InvalidSignature));
    }
    assert!(php_loosely_one(b"1.0"));
    assert!(php_loosely_one(b"1.0 "));
    assert!(!php_loosely_one(b"1.0a"));
    assert!(!php_loosely_one(b"1.1"));
    assert!(!php_loosely_one(b"v1.0"));
}

#[test]
fn row_2_missing_parameters_are_listed_in_order() {
    assert_eq!(
        attempt(&[("oauth_nonce", None)]),
        Err(OAuthError::MissingParameters(vec!["oauth_nonce"]))
    );
    assert_eq!(
        attempt(&[("oauth_token", None), ("oauth_signature", None)]),
        Err(OAuthError::MissingParameters(vec![
            "oauth_signature",
            "oauth_token"
        ]))
    );
    // A header with only a realm but a query: validated, all six missing.
    let req = Req::get(Some("searchCriteria[pageSize]=1"), "OAuth realm=\"x\"");
    assert_eq!(
        req.verify(&mut store()),
        Err(OAuthError::MissingParameters(REQUIRED.to_vec()))
    );
}

#[test]
fn row_3_token_length() {
    assert_eq!(
        attempt(&[("oauth_token", Some("short"))]),
        Err(OAuthError::TokenLength)
    );
}

#[test]
fn row_4_unsupported_signature_method() {
    for method in ["PLAINTEXT", "hmac-sha256", "RSA-SHA1"] {
        assert_eq!(
            attempt(&[("oauth_signature_method", Some(method))]),
            Err(OAuthError::UnsupportedSignatureMethod(method.into()))
        );
    }
}

#[test]
fn row_4_sha1_only_when_the_policy_allows_it() {
    let mut req = Req::get(None, "");
    sign(
        &mut req,
        &creds(),
        SignatureMethod::HmacSha1,
        ParamOrder::Natural,
        "n",
        NOW,
    );
    assert_eq!(
        verify(&req.oauth(), &mut store(), NOW, &FRAMEWORK),
        Err(OAuthError::UnsupportedSignatureMethod("HMAC-SHA1".into()))
    );
    let old = Policy {
        allow_hmac_sha1: true,
        ..FRAMEWORK
    };
    assert_verified(verify(&req.oauth(), &mut store(), NOW, &old));
    // SHA-256 is accepted either way.
    let req = signed("GET", None, "n", NOW);
    assert_verified(verify(&req.oauth(), &mut store(), NOW, &old));
}

#[test]
fn row_5_consumer_key_length() {
    assert_eq!(
        attempt(&[("oauth_consumer_key", Some("ck"))]),
        Err(OAuthError::ConsumerKeyLength)
    );
}

#[test]
fn row_6_unknown_consumer() {
    assert_eq!(
        attempt(&[("oauth_consumer_key", Some(&k("nobody")))]),
        Err(OAuthError::UnknownConsumer)
    );
}

#[test]
fn row_7_timestamp_in_the_future_or_not_a_number() {
    for ts in ["1700000601", "0", "-5", "abc", "", "1e99"] {
        assert_eq!(
            attempt(&[("oauth_timestamp", Some(ts))]),
            Err(OAuthError::InvalidTimestamp),
            "{ts}"
        );
    }
    // The timestamp check comes before the nonce is stored.
    let mut s = store();
    let _ = Req::get(None, &header_with(&[("oauth_timestamp", Some("0"))])).verify(&mut s);
    assert!(s.burned.is_empty());
}

#[test]
fn row_7_old_timestamps_and_the_skew_limit_are_accepted() {
    assert_verified(signed("GET", None, "a", NOW + 600).verify(&mut store()));
    assert_verified(signed("GET", None, "b", 1).verify(&mut store()));
    assert_verified(signed("GET", None, "c", NOW - 86_400 * 365 * 10).verify(&mut store()));
    assert_eq!(
        signed("GET", None, "d", NOW + 601).verify(&mut store()),
        Err(OAuthError::InvalidTimestamp)
    );
    // The skew is the policy's.
    let strict = Policy {
        max_future_skew_secs: 0,
        ..FRAMEWORK
    };
    let ahead = signed("GET", None, "e", NOW + 1);
    assert_eq!(
        verify(&ahead.oauth(), &mut store(), NOW, &strict),
        Err(OAuthError::InvalidTimestamp)
    );
    // PHP's `(int)` keeps a numeric prefix.
    let mut s = store();
    let _ = Req::get(None, &header_with(&[("oauth_timestamp", Some(" 17abc"))])).verify(&mut s);
    assert_eq!(s.burned, vec![(1, "n0nce".to_owned(), 17)]);
}

#[test]
fn row_8_nonce_already_used() {
    let mut s = store();
    let first = signed("GET", None, "once", NOW);
    assert_verified(first.verify(&mut s));
    let again = signed("GET", Some("a=1"), "once", NOW);
    assert_eq!(
        again.verify(&mut s),
        Err(OAuthError::NonceUsed { consumer_id: 1 })
    );
    // Per consumer: another consumer may use the same nonce.
    let other = Creds {
        consumer_key: k("ck2"),
        consumer_secret: k("cs2"),
        token: k("at2"),
        token_secret: k("ts2"),
    };
    let mut req = Req::get(None, "");
    sign(
        &mut req,
        &other,
        SignatureMethod::HmacSha256,
        ParamOrder::Natural,
        "once",
        NOW,
    );
    assert_eq!(req.verify(&mut s).map(|v| v.consumer_id), Ok(2));
}

#[test]
fn row_8_falsy_and_overlong_nonces_fail_as_not_stored_on_reuse() {
    for nonce in ["0", ""] {
        let mut s = store();
        assert_verified(signed("GET", None, nonce, NOW).verify(&mut s));
        assert_eq!(
            signed("GET", None, nonce, NOW).verify(&mut s),
            Err(OAuthError::NonceNotStored)
        );
    }
    let long = "n".repeat(40);
    let mut s = store();
    assert_verified(signed("GET", None, &long, NOW).verify(&mut s));
    assert_eq!(s.burned[0].1, "n".repeat(32), "stored as the column would");
    assert_eq!(
        signed("GET", None, &long, NOW).verify(&mut s),
        Err(OAuthError::NonceNotStored)
    );
    // The truncated value itself is found and reported as used.
    assert_eq!(
        signed("GET", None, &"n".repeat(32), NOW).verify(&mut s),
        Err(OAuthError::NonceUsed { consumer_id: 1 })
    );
    // Without a width, the nonce is kept whole and a reuse is found.
    let whole = Policy {
        nonce_max_chars: None,
        ..FRAMEWORK
    };
    let mut s = store();
    let req = signed("GET", None, &long, NOW);
    assert_verified(verify(&req.oauth(), &mut s, NOW, &whole));
    assert_eq!(s.burned[0].1, long);
    assert_eq!(
        verify(&req.oauth(), &mut s, NOW, &whole),
        Err(OAuthError::NonceUsed { consumer_id: 1 })
    );
}

#[test]
fn row_9_unknown_token() {
    assert_eq!(
        attempt(&[("oauth_token", Some(&k("unknown")))]),
        Err(OAuthError::UnknownToken)
    );
}

#[test]
fn row_10_token_of_another_consumer() {
    assert_eq!(
        attempt(&[("oauth_token", Some(&k("at2")))]),
        Err(OAuthError::TokenConsumerMismatch)
    );
}

#[test]
fn row_11_not_an_access_token() {
    assert_eq!(
        attempt(&[("oauth_token", Some(&k("request")))]),
        Err(OAuthError::NotAccessToken)
    );
}

#[test]
fn row_12_revoked_token() {
    assert_eq!(
        attempt(&[("oauth_token", Some(&k("revoked")))]),
        Err(OAuthError::TokenRevoked)
    );
}

#[test]
fn row_13_wrong_signature() {
    assert_eq!(attempt(&[]), Err(OAuthError::InvalidSignature));
    // Signed for another path.
    let mut req = signed("GET", None, "n", NOW);
    req.path = "/rest/V1/orders".into();
    assert_eq!(req.verify(&mut store()), Err(OAuthError::InvalidSignature));
}

#[test]
fn the_nonce_is_burned_even_when_later_checks_fail() {
    let mut s = store();
    let mut bad = signed("GET", None, "reused", NOW);
    bad.authorization = bad
        .authorization
        .map(|a| a.replace("oauth_signature=\"", "oauth_signature=\"x"));
    assert_eq!(bad.verify(&mut s), Err(OAuthError::InvalidSignature));
    let good = signed("GET", None, "reused", NOW);
    assert_eq!(
        good.verify(&mut s),
        Err(OAuthError::NonceUsed { consumer_id: 1 })
    );
    // An unknown token burns it too.
    let mut s = store();
    let _ = Req::get(None, &header_with(&[("oauth_token", Some(&k("unknown")))])).verify(&mut s);
    assert_eq!(s.burned.len(), 1);
}

#[test]
fn a_nonce_cache_backs_the_store() {
    struct Cached(MemStore, NonceCache);
    impl OAuthStore for Cached {
        fn consumer(&self, key: &str) -> Option<Consumer> {
            self.0.consumer(key)
        }
        fn token(&self, token: &str) -> Option<AccessToken> {
            self.0.token(token)
        }
        fn burn_nonce(&mut self, consumer: u64, nonce: &str, ts: i64, now: i64) -> bool {
            self.1.burn(consumer, nonce, ts, now)
        }
    }
    let mut s = Cached(store(), NonceCache::default());
    let req = signed("GET", None, "cached", NOW);
    assert!(verify(&req.oauth(), &mut s, NOW, &FRAMEWORK).is_ok());
    assert_eq!(
        verify(&req.oauth(), &mut s, NOW, &FRAMEWORK),
        Err(OAuthError::NonceUsed { consumer_id: 1 })
    );
    assert_eq!(s.1.len(), 1);
}

// --- collection and signing details ---------------------------------------------

#[test]
fn default_port_is_dropped_other_ports_kept() {
    assert_eq!(
        base_url("http", "Shop.Example:80", "/x"),
        "http://shop.example/x"
    );
    assert_eq!(
        base_url("HTTPS", "shop.example:443", "/x"),
        "https://shop.example/x"
    );
    assert_eq!(
        base_url("https", "shop.example:8443", "/x"),
        "https://shop.example:8443/x"
    );
    assert_eq!(
        base_url("http", "shop.example:443", "/x"),
        "http://shop.example:443/x"
    );
    assert_eq!(
        base_url("http", "shop.example:080", "/x"),
        "http://shop.example/x"
    );
    assert_eq!(
        base_url("http", "shop.example:08080", ""),
        "http://shop.example:8080/"
    );
    assert_eq!(base_url("http", "[::1]:8080", "/x"), "http://[::1]:8080/x");
    assert_eq!(base_url("http", "[::1]", "/x"), "http://[::1]/x");
}

#[test]
fn base_url_path_is_laminas_normalised() {
    assert_eq!(
        base_url("http", "h", "/a/./b/../c%2Fd%7e[x]%3c%zz"),
        "http://h/a/c/d~%5Bx%5D%3C%25zz"
    );
    assert_eq!(
        base_url("http", "h", "/V1/products/sku%20one"),
        "http://h/V1/products/sku%20one"
    );
    assert_eq!(base_url("http", "h", "/V1/a%2541"), "http://h/V1/a%41");
    assert_eq!(base_url("http", "h", "/../x/.."), "http://h/");
    assert_eq!(base_url("http", "h", "/café"), "http://h/caf%C3%A9");
    assert_eq!(
        base_url("http", "h", "/rest/V1/products/a%2Fb"),
        "http://h/rest/V1/products/a/b"
    );
}

#[test]
fn the_last_of_repeated_names_wins() {
    let query = "skus[]=a&skus[]=b";
    let req = Req::get(Some(query), &header_with(&[]));
    let collected = collect_params(&req.oauth());
    assert_eq!(collected.params.get("skus[]"), Some(&b"b"[..]));

    // Signing only the last value verifies.
    let ts = NOW.to_string();
    let mut pairs = vec![
        ("oauth_consumer_key", CK),
        ("oauth_token", AT),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_version", "1.0"),
        ("oauth_timestamp", ts.as_str()),
        ("oauth_nonce", "n2"),
    ];
    let mut to_sign: ParamList<'_> = pairs.iter().copied().collect();
    to_sign.insert("skus[]", "b");
    let base = base_string(
        "GET",
        &base_url("http", HOST, PATH),
        &to_sign,
        ParamOrder::Natural,
    );
    let sig = signature(SignatureMethod::HmacSha256, CS, TS, &base);
    pairs.push(("oauth_signature", sig.as_str()));
    assert_verified(Req::get(Some(query), &header_of(&pairs)).verify(&mut store()));
}

#[test]
fn query_pairs_are_filtered_and_form_decoded() {
    let query = "flag&a=b=c&oauth_x=1&xoauth_yy=2&oauth%5Fz=3&q=x+y%2B&=empty&&";
    let req = Req::get(Some(query), &header_with(&[]));
    let p = collect_params(&req.oauth()).params;
    assert!(!p.contains("flag"));
    assert!(!p.contains("a"));
    assert!(!p.contains("oauth_x"));
    assert!(!p.contains("xoauth_yy"));
    assert_eq!(
        p.get("oauth_z"),
        Some(&b"3"[..]),
        "checked raw, then decoded"
    );
    assert_eq!(p.get("q"), Some(&b"x y+"[..]));
    assert_eq!(p.get(""), Some(&b"empty"[..]));
    // `+` signs as `%20`, a literal plus as `%2B`.
    assert!(normalized_params(&p, ParamOrder::Natural).contains("q=x%20y%2B"));
}

#[test]
fn a_query_name_decoding_to_a_protocol_name_overrides_the_header() {
    let req = Req::get(Some("oauth%5Fnonce=from-query"), &header_with(&[]));
    let mut s = store();
    let _ = req.verify(&mut s);
    assert_eq!(s.burned[0].1, "from-query");
}

#[test]
fn header_parsing_follows_the_framework() {
    let header = "Foo OAUTH realm=\"r\" , oauth_nonce=\"\"a%20b+c\"\",junk, oauth_token =\"t\",oauth_version=1.0,oauth_nonce=\"second\"";
    let req = Req::get(None, header);
    let c = collect_params(&req.oauth());
    assert_eq!(
        c.header.get("oauth_nonce"),
        Some(&b"second"[..]),
        "last wins"
    );
    assert_eq!(
        c.header.get("oauth_version"),
        Some(&b"1.0"[..]),
        "quotes optional"
    );
    assert_eq!(
        c.header.get("oauth_token "),
        Some(&b"t"[..]),
        "the name is not trimmed"
    );
    assert!(!c.header.contains("realm"));
    let first = "OAuth oauth_nonce=\"\"a%20b+c\"\"";
    let req = Req::get(None, first);
    let c = collect_params(&req.oauth());
    assert_eq!(
        c.header.get("oauth_nonce"),
        Some(&b"a b+c"[..]),
        "rawurldecode"
    );
}

#[test]
fn form_bodies_are_signed_json_bodies_are_not() {
    let mut req = Req::get(None, "");
    req.method = "POST".into();
    req.content_type = Some("application/x-www-form-urlencoded; charset=UTF-8".into());
    req.body = b"name=A+B&qty=2".to_vec();
    let natural = ParamOrder::Natural;
    sign(
        &mut req,
        &creds(),
        SignatureMethod::HmacSha256,
        natural,
        "f1",
        NOW,
    );
    assert!(collect_params(&req.oauth()).params.contains("name"));
    assert_verified(req.verify(&mut store()));

    // The same signature over a JSON body: the form fields are not collected.
    let mut json_req = req.clone();
    json_req.content_type = Some("application/json".into());
    json_req.body = br#"{"name":"A B","qty":2}"#.to_vec();
    assert_eq!(
        json_req.verify(&mut store()),
        Err(OAuthError::InvalidSignature)
    );

    // A JSON body signed without form fields verifies.
    sign(
        &mut json_req,
        &creds(),
        SignatureMethod::HmacSha256,
        natural,
        "f2",
        NOW,
    );
    assert_verified(json_req.verify(&mut store()));

    // The Content-Type prefix is case-sensitive, as PHP's strpos.
    let mut upper = req.clone();
    upper.content_type = Some("Application/x-www-form-urlencoded".into());
    assert!(!collect_params(&upper.oauth()).params.contains("name"));
}

#[test]
fn form_body_names_are_mangled_like_parse_str() {
    let mut req = Req::get(None, &header_with(&[]));
    req.content_type = Some("application/x-www-form-urlencoded".into());
    req.body = b"a.b=1& c d=2&flag&x[=3&[y]=4&z[k]=5&oauth_nonce=body&n%00ul=6".to_vec();
    let p = collect_params(&req.oauth()).params;
    assert_eq!(p.get("a_b"), Some(&b"1"[..]));
    assert_eq!(p.get("c_d"), Some(&b"2"[..]));
    assert_eq!(p.get("flag"), Some(&b""[..]));
    assert_eq!(p.get("x_"), Some(&b"3"[..]));
    assert!(!p.contains("[y]"));
    assert_eq!(p.get("z[k]"), Some(&b"5"[..]));
    assert_eq!(
        p.get("oauth_nonce"),
        Some(&b"n0nce"[..]),
        "body oauth_ ignored"
    );
    assert_eq!(p.get("n"), Some(&b"6"[..]));

    // With no OAuth parameter in the header, body ones are used.
    let mut bare = req.clone();
    bare.authorization = Some("OAuth realm=\"x\"".into());
    let p = collect_params(&bare.oauth()).params;
    assert_eq!(p.get("oauth_nonce"), Some(&b"body"[..]));
}

#[test]
fn natural_order_sorts_digit_runs_by_value() {
    assert_eq!(strnatcmp(b"a%5B2%5D", b"a%5B10%5D"), Ordering::Less);
    assert_eq!(strnatcmp(b"a%5B1%5D", b"a%5B10%5D"), Ordering::Less);
    assert_eq!(strnatcmp(b"x%20y", b"x%3Ay"), Ordering::Greater);
    assert_eq!(strnatcmp(b"a01", b"a1"), Ordering::Less);
    assert_eq!(strnatcmp(b"01", b"1"), Ordering::Equal);
    assert_eq!(
        strnatcmp(b"oauth_token", b"oauth_timestamp"),
        Ordering::Greater
    );
    assert_eq!(strnatcmp(b"", b"a"), Ordering::Less);
    let p: ParamList<'_> = [("f[10]", "x"), ("f[2]", "y"), ("f[1]", "z")]
        .into_iter()
        .collect();
    assert_eq!(
        normalized_params(&p, ParamOrder::Natural),
        "f%5B1%5D=z&f%5B2%5D=y&f%5B10%5D=x"
    );
    assert_eq!(
        normalized_params(&p, ParamOrder::Bytes),
        "f%5B1%5D=z&f%5B10%5D=x&f%5B2%5D=y"
    );
}

#[test]
fn the_policy_order_decides_which_signature_verifies() {
    let query = Some("f[2]=y&f[10]=x");
    let mut bytes_signed = Req::get(query, "");
    sign(
        &mut bytes_signed,
        &creds(),
        SignatureMethod::HmacSha256,
        ParamOrder::Bytes,
        "o1",
        NOW,
    );
    let bytes_policy = Policy {
        param_order: ParamOrder::Bytes,
        ..FRAMEWORK
    };
    assert_eq!(
        verify(&bytes_signed.oauth(), &mut store(), NOW, &FRAMEWORK),
        Err(OAuthError::InvalidSignature)
    );
    assert_verified(verify(
        &bytes_signed.oauth(),
        &mut store(),
        NOW,
        &bytes_policy,
    ));
    let natural_signed = signed("GET", query, "o2", NOW);
    assert_verified(natural_signed.verify(&mut store()));
    assert_eq!(
        verify(&natural_signed.oauth(), &mut store(), NOW, &bytes_policy),
        Err(OAuthError::InvalidSignature)
    );
}

#[test]
fn oauth_is_recognised_by_its_marker_only() {
    assert!(is_oauth(Some("OAuth oauth_token=\"x\"")));
    assert!(is_oauth(Some("oauth realm=\"\"")));
    assert!(is_oauth(Some("Basic xyz, OAUTH ")));
    assert!(!is_oauth(Some("OAuth")));
    assert!(!is_oauth(Some("Bearer abc")));
    assert!(!is_oauth(None));
}

#[test]
fn nothing_collected_is_no_oauth_attempt() {
    let mut s = store();
    let bare = Req::get(None, "OAuth ");
    assert_eq!(try_verify(&bare.oauth(), &mut s, NOW, &FRAMEWORK), Ok(None));
    let mut none = Req::get(Some("a=1"), "");
    none.authorization = None;
    assert_eq!(try_verify(&none.oauth(), &mut s, NOW, &FRAMEWORK), Ok(None));
    assert!(s.burned.is_empty());
    assert_eq!(
        bare.verify(&mut s),
        Err(OAuthError::MissingParameters(REQUIRED.to_vec()))
    );
}

#[test]
fn php_int_cast_reads_a_numeric_prefix() {
    assert_eq!(php_int_cast(b"1700000000"), 1_700_000_000);
    assert_eq!(php_int_cast(b" \t17abc"), 17);
    assert_eq!(php_int_cast(b"+5"), 5);
    assert_eq!(php_int_cast(b"-5"), -5);
    assert_eq!(php_int_cast(b"1.7e9"), 1_700_000_000);
    assert_eq!(php_int_cast(b"1.9"), 1);
    assert_eq!(php_int_cast(b".5"), 0);
    assert_eq!(php_int_cast(b"5."), 5);
    assert_eq!(php_int_cast(b"1e"), 1);
    assert_eq!(php_int_cast(b"0x1A"), 0);
    assert_eq!(php_int_cast(b"abc"), 0);
    assert_eq!(php_int_cast(b""), 0);
    assert_eq!(php_int_cast(b"."), 0);
    assert_eq!(php_int_cast(b"99999999999999999999"), i64::MAX);
    assert_eq!(php_int_cast(b"-99999999999999999999"), i64::MIN);
    assert_eq!(php_int_cast(b"1e999"), 0);
}

#[test]
fn percent_encoding_is_rfc3986() {
    assert_eq!(percent_encode(b"Az09-._~"), "Az09-._~");
    assert_eq!(
        percent_encode(b" +/=&%[]\xff"),
        "%20%2B%2F%3D%26%25%5B%5D%FF"
    );
    assert_eq!(url_decode(b"%41%4a%zz%+%2", true), b"AJ%zz% %2".to_vec());
    assert_eq!(url_decode(b"a+b", false), b"a+b".to_vec());
}

#[test]
fn errors_display_in_our_own_words() {
    assert_eq!(
        OAuthError::MissingParameters(vec!["oauth_nonce", "oauth_token"]).to_string(),
        "missing parameters: oauth_nonce, oauth_token"
    );
    assert_eq!(
        OAuthError::NonceUsed { consumer_id: 4 }.to_string(),
        "nonce already used by consumer 4"
    );
}

fn messy_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        proptest::sample::select(vec![
            "%",
            "%2",
            "%5B",
            "=",
            "&",
            ",",
            "\"",
            "+",
            "[",
            "]",
            "0",
            "9",
            " ",
            ".",
            "/",
            ":",
            "oauth_",
            "OAuth ",
            "oauth_nonce=",
            CK,
            AT,
        ])
        .prop_map(str::to_owned),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(
        auth in messy_string(),
        query in messy_string(),
        host in messy_string(),
        path in messy_string(),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        form in any::<bool>(),
        bytes_order in any::<bool>(),
    ) {
        let req = Req {
            method: "get".into(),
            scheme: "http".into(),
            host,
            path,
            query: Some(query),
            authorization: Some(format!("OAuth {auth}")),
            content_type: form.then(|| "application/x-www-form-urlencoded".to_owned()),
            body,
        };
        let order = if bytes_order { ParamOrder::Bytes } else { ParamOrder::Natural };
        let collected = collect_params(&req.oauth());
        let _ = normalized_params(&collected.params, order);
        let _ = base_url(&req.scheme, &req.host, &req.path);
        let _ = try_verify(&req.oauth(), &mut store(), NOW, &FRAMEWORK);
        let _ = try_verify(&req.oauth(), &mut store(), NOW, &Policy::default());
    }

    #[test]
    fn natural_sort_never_panics_and_keeps_every_item(
        names in proptest::collection::vec(messy_string(), 0..40),
    ) {
        let items: Vec<(String, String)> =
            names.into_iter().map(|n| (n, String::new())).collect();
        let sorted = merge_sort(items.clone(), &|a: &(String, String), b: &(String, String)| {
            strnatcmp(a.0.as_bytes(), b.0.as_bytes())
        });
        prop_assert_eq!(sorted.len(), items.len());
    }

    /// A PHP array: the last value of a name wins, names keep their first position;
    /// the same whether the list is searched in place or through its hash index.
    #[test]
    fn param_lists_behave_as_php_arrays_small_and_large(
        pairs in proptest::collection::vec(("[a-e]{1,2}", "[0-9]{0,2}"), 0..60),
    ) {
        let mut list = ParamList::new();
        let mut order: Vec<String> = Vec::new();
        let mut last: HashMap<String, String> = HashMap::new();
        for (n, v) in &pairs {
            list.insert(n.as_bytes(), v.as_bytes());
            if !order.contains(n) {
                order.push(n.clone());
            }
            last.insert(n.clone(), v.clone());
        }
        prop_assert_eq!(list.len(), order.len());
        let seen: Vec<(Vec<u8>, Vec<u8>)> =
            list.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect();
        let expected: Vec<(Vec<u8>, Vec<u8>)> = order
            .iter()
            .map(|n| (n.clone().into_bytes(), last[n].clone().into_bytes()))
            .collect();
        prop_assert_eq!(seen, expected);
        for n in &order {
            prop_assert!(list.contains(n));
            prop_assert_eq!(list.get(n), Some(last[n].as_bytes()));
        }
        prop_assert!(!list.contains("zz"));
    }

    /// The run-copying encoder and the fast path of the decoder give what a byte-at-a-
    /// time reading of RFC 3986 and PHP `urldecode` give.
    #[test]
    fn encoding_and_decoding_match_their_byte_at_a_time_definitions(
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        plus in any::<bool>(),
    ) {
        let naive: String = bytes
            .iter()
            .map(|&b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        prop_assert_eq!(percent_encode(&bytes), naive);
        let mut decoded = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let hex = |k: usize| bytes.get(k).and_then(|&b| char::from(b).to_digit(16));
            match (bytes[i], hex(i + 1), hex(i + 2)) {
                (b'%', Some(h), Some(l)) => {
                    decoded.push((h * 16 + l) as u8);
                    i += 3;
                }
                (b'+', _, _) if plus => {
                    decoded.push(b' ');
                    i += 1;
                }
                (b, _, _) => {
                    decoded.push(b);
                    i += 1;
                }
            }
        }
        prop_assert_eq!(url_decode(&bytes, plus), decoded);
    }

    /// A plain path (what the fast path of `base_url` passes through as it is) comes
    /// out of the whole normaliser unchanged.
    #[test]
    fn plain_paths_pass_the_normaliser_unchanged(path in "(/[A-Za-z0-9_~-]{0,6}){1,6}") {
        prop_assert_eq!(crate::base::normalised_path_slow(&path), path.clone());
        prop_assert_eq!(base_url("http", "h", &path), format!("http://h{path}"));
    }

    /// The merge sort over positions makes the comparisons of the recursive one and
    /// gives its result, with natural order (not always transitive) on messy names.
    #[test]
    fn the_position_merge_sort_is_the_recursive_one(
        names in proptest::collection::vec(messy_string(), 0..40),
    ) {
        let items: Vec<(String, usize)> = names.into_iter().enumerate().map(|(i, n)| (n, i)).collect();
        let cmp = |a: &(String, usize), b: &(String, usize)| strnatcmp(a.0.as_bytes(), b.0.as_bytes());
        prop_assert_eq!(
            merge_sort(items.clone(), &cmp),
            crate::base::merge_sort_by_halves(items, &cmp)
        );
    }

    /// The one-buffer base string (parameters encoded twice on the fly, names borrowed
    /// when nothing needs encoding) is the step-by-step definition, and the normalised
    /// parameters are each pair encoded, sorted by encoded name and joined.
    #[test]
    fn the_one_buffer_base_string_is_the_step_by_step_one(
        pairs in proptest::collection::vec((messy_string(), messy_string()), 0..24),
        url in messy_string(),
        bytes_order in any::<bool>(),
    ) {
        let order = if bytes_order { ParamOrder::Bytes } else { ParamOrder::Natural };
        let list: ParamList<'_> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        prop_assert_eq!(
            base_string("get", &url, &list, order),
            crate::base::base_string_by_steps("get", &url, &list, order)
        );
        prop_assert_eq!(normalized_params(&list, order), normalized_by_definition(&list, order));
    }

    /// Names without digits once encoded take the byte-order shortcut of the natural
    /// sort; it orders them as the merge sort does.
    #[test]
    fn digit_free_names_sort_as_the_merge_sort_does(
        pairs in proptest::collection::vec(("[A-Za-z_.~-]{0,4}", "[a-z0-9]{0,2}"), 0..24),
    ) {
        let list: ParamList<'_> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        for order in [ParamOrder::Natural, ParamOrder::Bytes] {
            prop_assert_eq!(normalized_params(&list, order), normalized_by_definition(&list, order));
        }
    }
}

/// The normalised parameters by their definition: each pair encoded, sorted by encoded
/// name with the merge sort (natural) or a stable byte sort, joined.
fn normalized_by_definition(list: &ParamList<'_>, order: ParamOrder) -> String {
    let encoded: Vec<(String, String)> = list
        .iter()
        .filter(|(n, _)| *n != b"oauth_signature")
        .map(|(n, v)| (percent_encode(n), percent_encode(v)))
        .collect();
    let sorted = match order {
        ParamOrder::Natural => {
            merge_sort(encoded, &|a: &(String, String), b: &(String, String)| {
                strnatcmp(a.0.as_bytes(), b.0.as_bytes())
            })
        }
        ParamOrder::Bytes => {
            let mut encoded = encoded;
            encoded.sort_by(|a, b| a.0.cmp(&b.0));
            encoded
        }
    };
    let joined: Vec<String> = sorted.iter().map(|(n, v)| format!("{n}={v}")).collect();
    joined.join("&")
}
