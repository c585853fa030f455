//! A standard OAuth 1.0a client against Magento's verifier: what it gets through and
//! where it fails exactly as on a real store. The client is `oauth1-client` (byte
//! order, every pair signed, the path as given), the verifier `sim-oauth1` with
//! Magento's policy; they share no code. No HTTP: the verifier runs directly.

use oauth1_client::{SignatureMethod, Signer};
use serde_json::{Value, json};
use sim_magento::auth::oauth::{OAuthRequest, Policy, Verified, policy, try_verify, verify};
use sim_magento::errors::MResult;

mod oauth_store;
use oauth_store::Credentials;

const CK: &str = "ck0123456789abcdef0123456789abcd";
const CS: &str = "cs0123456789abcdef0123456789abcd";
const AT: &str = "at0123456789abcdef0123456789abcd";
const TS: &str = "ts0123456789abcdef0123456789abcd";
const NOW: i64 = 1_700_000_000;
const HOST: &str = "magento.test:8080";
const PATH: &str = "/magento-2.4.0/rest/default/V1/products";

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

/// Magento 2.4.4 and later.
fn current() -> Policy {
    policy(false, 600)
}

/// One request as the server receives it.
struct Req {
    method: String,
    scheme: String,
    host: String,
    path: String,
    query: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
    authorization: String,
}

impl Req {
    /// `method` on `scheme://host path?query`, signed by the client for that URL.
    fn signed(method: &str, path: &str, query: Option<&str>, nonce: &str) -> Self {
        let mut req = Req {
            method: method.to_owned(),
            scheme: "http".into(),
            host: HOST.into(),
            path: path.into(),
            query: query.map(str::to_owned),
            content_type: None,
            body: Vec::new(),
            authorization: String::new(),
        };
        req.authorization =
            signer(SignatureMethod::HmacSha256).authorization(method, &req.url(), None, nonce, NOW);
        req
    }

    fn url(&self) -> String {
        match &self.query {
            Some(q) => format!("{}://{}{}?{q}", self.scheme, self.host, self.path),
            None => format!("{}://{}{}", self.scheme, self.host, self.path),
        }
    }

    fn oauth(&self) -> OAuthRequest<'_> {
        OAuthRequest {
            method: &self.method,
            scheme: &self.scheme,
            host: &self.host,
            path: &self.path,
            query: self.query.as_deref(),
            authorization: Some(&self.authorization),
            content_type: self.content_type.as_deref(),
            body: &self.body,
        }
    }

    fn verify_with(&self, policy: &Policy) -> MResult<Verified> {
        verify(&self.oauth(), &mut CREDENTIALS.store(), NOW, policy)
    }

    fn verify(&self) -> MResult<Verified> {
        self.verify_with(&current())
    }
}

#[track_caller]
fn assert_verified(result: MResult<Verified>) {
    match result {
        Ok(v) => assert_eq!(v.consumer_id, 1),
        Err(e) => panic!("refused: {}", e.body()),
    }
}

#[track_caller]
fn assert_refused(result: MResult<Verified>, status: u16, body: Value) {
    let err = result.expect_err("expected a refusal");
    assert_eq!(err.status.as_u16(), status);
    assert_eq!(err.body(), body);
}

#[track_caller]
fn assert_bad_signature(result: MResult<Verified>) {
    assert_refused(
        result,
        401,
        json!({"message": "The signature is invalid. Verify and try again."}),
    );
}

#[test]
fn the_reference_worked_example_signed_by_the_client_verifies() {
    // Reference §2.5.5, brackets raw and encoded: the client produces the published
    // signature and the verifier accepts it.
    let raw = "searchCriteria[pageSize]=10&searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=WS12%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like";
    let encoded = raw.replace('[', "%5B").replace(']', "%5D");
    for query in [raw.to_owned(), encoded] {
        let req = Req::signed("GET", PATH, Some(&query), "n0nce0001");
        assert!(
            req.authorization
                .ends_with("oauth_signature=\"gyyfyVUBevRx0M0bZPNYI4poUTQY0nnKRjrR%2BmIHD9o%3D\"")
        );
        assert_verified(req.verify());
        // One bit changed in the query (`10` → `11`) is refused.
        let mut changed = Req::signed("GET", PATH, Some(&query), "n0nce0001");
        changed.query = Some(query.replacen("=10", "=11", 1));
        assert_bad_signature(changed.verify());
    }
}

#[test]
fn plain_requests_round_trip() {
    for (i, query) in [
        None,
        Some("searchCriteria%5BpageSize%5D=5&a=%C3%A9"),
        Some(""),
        Some("q=x+y%2B&page=2"),
        Some("searchCriteria[filter_groups][0][filters][0][value]=a%20b"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_verified(Req::signed("GET", PATH, query, &format!("rt{i}")).verify());
    }
    // The method is upper-cased by both sides.
    let mut req = Req::signed("delete", PATH, None, "rt-del");
    req.method = "DELETE".into();
    assert_verified(req.verify());
    // Scheme and host case and the default port do not matter.
    let mut req = Req::signed("GET", PATH, None, "rt-https");
    req.scheme = "https".into();
    req.host = "Shop.Example:443".into();
    req.authorization = signer(SignatureMethod::HmacSha256).authorization(
        "GET",
        &format!("https://Shop.Example:443{PATH}"),
        None,
        "rt-https",
        NOW,
    );
    assert_verified(req.verify());
}

#[test]
fn hmac_sha1_verifies_only_before_2_4_4() {
    let mut req = Req::signed("GET", PATH, Some("a=1"), "sha1");
    req.authorization =
        signer(SignatureMethod::HmacSha1).authorization("GET", &req.url(), None, "sha1", NOW);
    assert_verified(req.verify_with(&policy(true, 600)));
    assert_refused(
        req.verify(),
        400,
        json!({"message": "Signature method %1 is not supported", "parameters": ["HMAC-SHA1"]}),
    );
}

#[test]
fn form_bodies_are_signed_json_bodies_are_not() {
    let url = format!("http://{HOST}{PATH}");
    let form = [
        ("name".to_owned(), "A B".to_owned()),
        ("qty".to_owned(), "2".to_owned()),
    ];
    let s = signer(SignatureMethod::HmacSha256);
    let mut req = Req::signed("POST", PATH, None, "f1");
    req.authorization = s.authorization("POST", &url, Some(&form), "f1", NOW);
    req.content_type = Some("application/x-www-form-urlencoded; charset=UTF-8".into());
    req.body = b"name=A+B&qty=2".to_vec();
    assert_verified(req.verify());

    // The same header over a JSON body: the form fields are not collected.
    req.content_type = Some("application/json".into());
    req.body = br#"{"name":"A B","qty":2}"#.to_vec();
    assert_bad_signature(req.verify());

    // A JSON body signed without form fields verifies.
    req.authorization = s.authorization("POST", &url, None, "f2", NOW);
    assert_verified(req.verify());
}

#[test]
fn repeated_names_fail_as_on_the_real_store() {
    // Magento signs only the last `skus[]`; a standard client signs both.
    let req = Req::signed("GET", PATH, Some("skus[]=a&skus[]=b"), "n1");
    assert_bad_signature(req.verify());
}

#[test]
fn natural_and_byte_order_disagreeing_fails_as_on_the_real_store() {
    // strnatcmp puts f[2] before f[10]; a byte-order client does the opposite.
    let req = Req::signed("GET", PATH, Some("f[2]=y&f[10]=x"), "n");
    assert_bad_signature(req.verify());
    // With a byte-order policy the same request verifies: only the order differs.
    let bytes = Policy {
        param_order: sim_magento::auth::oauth::ParamOrder::Bytes,
        ..current()
    };
    assert_verified(req.verify_with(&bytes));
}

#[test]
fn an_encoded_slash_in_the_path_fails_as_on_the_real_store() {
    // Laminas decodes `%2F` before signing; the client signs the path as sent.
    let req = Req::signed("GET", "/rest/V1/products/a%2Fb", None, "n");
    assert_bad_signature(req.verify());
    let req = Req::signed("GET", "/rest/V1/products/a%20b", None, "n");
    assert_verified(req.verify());
}

#[test]
fn the_client_header_has_the_shape_of_the_seed_trace() {
    let seed = "OAuth oauth_consumer_key=\"0uhhig77uio82511tzfvv3ffidovtmif\",oauth_token=\"pr1medk9ow89uad71fm9rwrirvq0vy5v\",oauth_signature_method=\"HMAC-SHA256\",oauth_version=\"1.0\",oauth_timestamp=\"1753130948\",oauth_nonce=\"db96b5fb727f205b80383ab337b35f65\",oauth_signature=\"dI8BWGDxyUvE1od6W4AYbBKWVQ87777oORj1y9SFwqw%3D\"";
    let ours = signer(SignatureMethod::HmacSha256).authorization(
        "GET",
        "http://www.stores.local/magento-2.4.0/rest/V1/store/storeViews",
        None,
        "n",
        1,
    );
    let names = |h: &str| -> Vec<String> {
        h.trim_start_matches("OAuth ")
            .split(',')
            .map(|p| p.split('=').next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(names(&ours), names(seed));
}

#[test]
fn a_header_without_parameters_is_a_guest_not_an_error() {
    let mut req = Req::signed("GET", PATH, None, "n");
    req.authorization = "OAuth ".into();
    assert!(matches!(
        try_verify(&req.oauth(), &mut CREDENTIALS.store(), NOW, &current()),
        Ok(None)
    ));
}
