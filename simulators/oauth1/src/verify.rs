//! The checks, in the framework's order, and the types they need.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use subtle::ConstantTimeEq;

use std::borrow::Cow;

use crate::base::{base_string_bytes, base_url, mac, signing_key};
use crate::params::protocol_params;
use crate::php::{php_int_cast, php_loosely_one};

/// What the verifier needs to know about one request, as the client sent it.
#[derive(Debug, Clone, Copy)]
pub struct OAuthRequest<'a> {
    /// The HTTP method, e.g. `GET`.
    pub method: &'a str,
    /// `http` or `https`, as the server sees it (behind a TLS proxy, what the proxy
    /// says).
    pub scheme: &'a str,
    /// The `Host` header verbatim, possibly with `:port`.
    pub host: &'a str,
    /// The request path as on the wire (still percent-encoded), including any install
    /// prefix such as `/magento-2.4.0` and `/index.php`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The request body.
    pub body: &'a [u8],
}

/// An OAuth consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    /// The consumer's id (Magento: `oauth_consumer.entity_id`).
    pub id: u64,
    /// The consumer secret.
    pub secret: String,
}

/// A token row (Magento: `oauth_token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// The consumer the token was issued to.
    pub consumer_id: u64,
    /// The token secret.
    pub secret: String,
    /// True for an access token (false for request and verifier tokens).
    pub is_access: bool,
    /// True once revoked.
    pub revoked: bool,
}

/// Lookups the verifier needs; implemented by the simulator's state.
pub trait OAuthStore {
    /// The consumer with this key.
    fn consumer(&self, key: &str) -> Option<Consumer>;
    /// The token with this value.
    fn token(&self, token: &str) -> Option<AccessToken>;
    /// Records the nonce for the consumer; false if it was already used.
    ///
    /// `nonce` is what the store keeps (cut to [`Policy::nonce_max_chars`]),
    /// `timestamp` is the client's `oauth_timestamp` after PHP's `(int)` cast (Magento's
    /// cleanup deletes nonces by it) and `now_unix` the server's clock.
    /// [`NonceCache`](crate::NonceCache) is a bounded implementation.
    fn burn_nonce(&mut self, consumer_id: u64, nonce: &str, timestamp: i64, now_unix: i64) -> bool;
}

/// How the normalised parameters are sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOrder {
    /// By encoded name in byte order, as RFC 5849 §3.4.1.3.2 says.
    Bytes,
    /// By encoded name with PHP `strnatcmp` (digit runs compare by value), as Laminas
    /// and every later Magento helper do (`uksort($params, 'strnatcmp')`).
    Natural,
}

/// The checks that differ between platforms and versions. Each field names the value
/// Magento 2.4 uses; [`Policy::default`] is a plain RFC 5849 reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// `HMAC-SHA1` is accepted (`HMAC-SHA256` always is). Magento: up to 2.4.3 only.
    pub allow_hmac_sha1: bool,
    /// How far ahead of the server clock `oauth_timestamp` may be. Magento: 600 s.
    /// There is no lower bound.
    pub max_future_skew_secs: i64,
    /// Sort order of the normalised parameters. Magento: [`ParamOrder::Natural`].
    pub param_order: ParamOrder,
    /// The nonce is kept cut to this many characters, like a `varchar` column that
    /// truncates. Magento: `Some(32)`.
    pub nonce_max_chars: Option<usize>,
    /// Consumer keys and tokens must be exactly this long. Magento: `Some(32)`.
    pub key_length: Option<usize>,
}

impl Default for Policy {
    /// Both HMAC methods, byte order, 600 s of future skew, no length rules.
    fn default() -> Self {
        Self {
            allow_hmac_sha1: true,
            max_future_skew_secs: 600,
            param_order: ParamOrder::Bytes,
            nonce_max_chars: None,
            key_length: None,
        }
    }
}

/// A request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The consumer that signed it.
    pub consumer_id: u64,
    /// The access token it carried.
    pub token: String,
}

/// A supported `oauth_signature_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMethod {
    /// `HMAC-SHA1` (only when [`Policy::allow_hmac_sha1`]).
    HmacSha1,
    /// `HMAC-SHA256`.
    HmacSha256,
}

impl SignatureMethod {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            SignatureMethod::HmacSha1 => "HMAC-SHA1",
            SignatureMethod::HmacSha256 => "HMAC-SHA256",
        }
    }

    /// Parses a wire name, exactly and case-sensitively, as PHP's `in_array` does.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"HMAC-SHA1" => Some(SignatureMethod::HmacSha1),
            b"HMAC-SHA256" => Some(SignatureMethod::HmacSha256),
            _ => None,
        }
    }
}

/// The parameters every access-token request needs, in the order an aggregated
/// missing-parameter error lists them.
pub const REQUIRED: [&str; 6] = [
    "oauth_consumer_key",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_nonce",
    "oauth_timestamp",
    "oauth_token",
];

/// Why a request failed, one variant per check, in the order the checks run. The
/// platform maps each to its own status and body; the `Display` texts are ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// Check 1: `oauth_version` was sent and is not loosely equal to `1.0`; the value sent.
    #[error("unsupported oauth_version {0:?}")]
    UnsupportedVersion(String),
    /// Check 2: Required parameters are missing; their names, in [`REQUIRED`] order.
    #[error("missing parameters: {}", .0.join(", "))]
    MissingParameters(Vec<&'static str>),
    /// Check 3: `oauth_token` is not [`Policy::key_length`] long.
    #[error("oauth_token has the wrong length")]
    TokenLength,
    /// Check 4: The signature method is unknown or not allowed; the value sent.
    #[error("unsupported signature method {0:?}")]
    UnsupportedSignatureMethod(String),
    /// Check 5: `oauth_consumer_key` is not [`Policy::key_length`] long.
    #[error("oauth_consumer_key has the wrong length")]
    ConsumerKeyLength,
    /// Check 6: No consumer has that key.
    #[error("unknown consumer key")]
    UnknownConsumer,
    /// Check 7: `oauth_timestamp` is not a positive integer, or is too far ahead.
    #[error("oauth_timestamp is not positive or too far ahead of the clock")]
    InvalidTimestamp,
    /// Check 8: The nonce was already used by this consumer (and a lookup finds it).
    #[error("nonce already used by consumer {consumer_id}")]
    NonceUsed {
        /// The consumer whose nonce it is.
        consumer_id: u64,
    },
    /// Check 8: The nonce store refused the nonce, but the framework's lookup would not find
    /// it: the nonce is PHP-falsy (`""`, `"0"`, which the lookup skips) or it was cut
    /// to [`Policy::nonce_max_chars`] (the lookup searches for the uncut value), so
    /// the failure is the store's unique key.
    #[error("nonce could not be stored")]
    NonceNotStored,
    /// Check 9: No token has that value.
    #[error("unknown token")]
    UnknownToken,
    /// Check 10: The token belongs to another consumer.
    #[error("token belongs to another consumer")]
    TokenConsumerMismatch,
    /// Check 11: The token is a request or verifier token.
    #[error("not an access token")]
    NotAccessToken,
    /// Check 12: The token was revoked.
    #[error("token revoked")]
    TokenRevoked,
    /// Check 13: The signature does not match.
    #[error("signature mismatch")]
    InvalidSignature,
}

/// Runs the checks in order (Magento: reference §2.5.6, rows 1–13) and returns the
/// first failure.
///
/// `Ok(None)` means the request is no OAuth attempt at all: there is no OAuth
/// `Authorization` header, or its marker is there but no parameter was collected.
/// Magento then treats the caller as a guest.
pub fn try_verify(
    req: &OAuthRequest<'_>,
    store: &mut impl OAuthStore,
    now_unix: i64,
    policy: &Policy,
) -> Result<Option<Verified>, OAuthError> {
    let params = &protocol_params(req);
    if params.is_empty() {
        return Ok(None);
    }
    let field = |name: &str| params.get(name).unwrap_or_default();
    let length_ok = |value: &[u8]| policy.key_length.is_none_or(|len| value.len() == len);

    // 1. `oauth_version`, when sent, must equal "1.0" loosely.
    if let Some(version) = params.get("oauth_version") {
        if !php_loosely_one(version) {
            return Err(OAuthError::UnsupportedVersion(lossy(version)));
        }
    }

    // 2. Required parameters (present, even if empty).
    let missing: Vec<&'static str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| !params.contains(name))
        .collect();
    if !missing.is_empty() {
        return Err(OAuthError::MissingParameters(missing));
    }

    // 3. Token length.
    let token = field("oauth_token");
    if !length_ok(token) {
        return Err(OAuthError::TokenLength);
    }

    // 4. Signature method.
    let sent_method = field("oauth_signature_method");
    let method = match SignatureMethod::from_name(sent_method) {
        Some(SignatureMethod::HmacSha1) if policy.allow_hmac_sha1 => SignatureMethod::HmacSha1,
        Some(SignatureMethod::HmacSha256) => SignatureMethod::HmacSha256,
        _ => return Err(OAuthError::UnsupportedSignatureMethod(lossy(sent_method))),
    };

    // 5–6. The consumer.
    let key = field("oauth_consumer_key");
    if !length_ok(key) {
        return Err(OAuthError::ConsumerKeyLength);
    }
    let consumer = std::str::from_utf8(key)
        .ok()
        .and_then(|k| store.consumer(k))
        .ok_or(OAuthError::UnknownConsumer)?;

    // 7. Timestamp: `(int)` cast, > 0, at most `max_future_skew_secs` ahead.
    let timestamp = php_int_cast(field("oauth_timestamp"));
    if timestamp <= 0 || timestamp > now_unix.saturating_add(policy.max_future_skew_secs) {
        return Err(OAuthError::InvalidTimestamp);
    }

    // 8. The nonce, stored before any token or signature check.
    let nonce_bytes = field("oauth_nonce");
    let nonce = String::from_utf8_lossy(nonce_bytes);
    let stored: Cow<'_, str> = match policy.nonce_max_chars {
        Some(max) if nonce.len() > max => nonce.chars().take(max).collect::<String>().into(),
        _ => Cow::Borrowed(&nonce),
    };
    if !store.burn_nonce(consumer.id, &stored, timestamp, now_unix) {
        // Only a truthy nonce that the lookup finds is "in use"; otherwise the insert
        // breaks the unique key.
        let looked_up = stored.len() == nonce.len();
        let truthy = !(nonce_bytes.is_empty() || nonce_bytes == b"0");
        return Err(if looked_up && truthy {
            OAuthError::NonceUsed {
                consumer_id: consumer.id,
            }
        } else {
            OAuthError::NonceNotStored
        });
    }

    // 9–12. The token.
    let token = std::str::from_utf8(token).ok();
    let access = token
        .and_then(|t| store.token(t))
        .ok_or(OAuthError::UnknownToken)?;
    if access.consumer_id != consumer.id {
        return Err(OAuthError::TokenConsumerMismatch);
    }
    if !access.is_access {
        return Err(OAuthError::NotAccessToken);
    }
    if access.revoked {
        return Err(OAuthError::TokenRevoked);
    }

    // 13. The signature, compared in constant time.
    let base = base_string_bytes(
        req.method,
        &base_url(req.scheme, req.host, req.path),
        params,
        policy.param_order,
    );
    let expected = mac(
        method,
        &signing_key(&consumer.secret, &access.secret),
        &base,
    );
    // A MAC is at most 32 bytes: 44 in base64.
    let mut encoded = [0u8; 64];
    let sent = field("oauth_signature");
    let matches = expected
        .and_then(|m| BASE64.encode_slice(m, &mut encoded).ok())
        .is_some_and(|len| bool::from(encoded[..len].ct_eq(sent)));
    if !matches {
        return Err(OAuthError::InvalidSignature);
    }

    Ok(Some(Verified {
        consumer_id: consumer.id,
        token: token.unwrap_or_default().to_owned(),
    }))
}

/// [`try_verify`] for callers that have already decided the request is OAuth
/// ([`is_oauth`](crate::is_oauth)).
///
/// When nothing was collected (an `Authorization: OAuth` header without a single
/// parameter), the framework treats the caller as a guest, which this signature cannot
/// express; it answers [`OAuthError::MissingParameters`] with all six names instead.
pub fn verify(
    req: &OAuthRequest<'_>,
    store: &mut impl OAuthStore,
    now_unix: i64,
    policy: &Policy,
) -> Result<Verified, OAuthError> {
    try_verify(req, store, now_unix, policy)?
        .ok_or_else(|| OAuthError::MissingParameters(REQUIRED.to_vec()))
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
