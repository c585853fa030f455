//! OAuth 1.0a as Magento 2.4.0–2.4.7 answers it (reference §2.5).
//!
//! The verifier is the platform-neutral [`sim_oauth1`] crate. This module is Magento's
//! side of it, for the Magento simulator and the extensions it hosts (PrintXpand): the [`policy`] for a store
//! version (natural parameter order, HMAC-SHA1 only before 2.4.4, 32-character keys,
//! tokens and nonce column, the configured future skew) and, for every failed check,
//! Magento's exact status and body ([`From<OAuthError>`](MagentoError#impl-From%3COAuthError%3E-for-MagentoError)).
//!
//! Clients sign with the `oauth1-client` crate, which shares no code with the verifier.

use serde_json::Value;
pub use sim_oauth1::{
    AccessToken, Consumer, OAuthError, OAuthRequest, OAuthStore, ParamOrder, Policy, REQUIRED,
    Verified, is_oauth,
};

use crate::errors::{MResult, MagentoError};

/// Magento's OAuth messages, verbatim.
pub mod msg {
    /// 400; `%1` is the version sent.
    pub const VERSION: &str = "The \"%1\" Oauth version isn't supported.";
    /// 400.
    pub const TOKEN_LENGTH: &str = "The token length is invalid. Check the length and try again.";
    /// 400; `%1` is the method sent.
    pub const SIGNATURE_METHOD: &str = "Signature method %1 is not supported";
    /// 401.
    pub const CONSUMER_KEY_LENGTH: &str = "Consumer key is not the correct length";
    /// 401.
    pub const CONSUMER_MISSING: &str = "A consumer having the specified key does not exist";
    /// 401: a bad timestamp, or a failed nonce insert.
    pub const NONCE_ERROR: &str = "An error occurred validating the nonce";
    /// 401; `%1` is the consumer id, as a string.
    pub const NONCE_USED: &str = "The nonce is already being used by the consumer with ID %1";
    /// 401.
    pub const TOKEN_MISSING: &str = "Specified token does not exist";
    /// 401.
    pub const TOKEN_CONSUMER: &str = "Token is not associated with the specified consumer";
    /// 401.
    pub const TOKEN_NOT_ACCESS: &str = "Token is not an access token";
    /// 401.
    pub const TOKEN_REVOKED: &str = "Access token has been revoked";
    /// 401.
    pub const SIGNATURE_INVALID: &str = "The signature is invalid. Verify and try again.";
}

/// Length of consumer keys and tokens (`Helper\Oauth::LENGTH_CONSUMER_KEY`, `LENGTH_TOKEN`).
pub const KEY_LENGTH: usize = 32;

/// Width of the `oauth_nonce.nonce` column (`varchar(32)`): a longer nonce is stored
/// truncated (MySQL with `SQL_MODE=''`).
pub const NONCE_COLUMN_CHARS: usize = 32;

/// Magento's verifier settings: strnatcmp order (Laminas `uksort`), HMAC-SHA1 only when
/// `allow_hmac_sha1` (stores before 2.4.4), 32-character keys and tokens, the nonce
/// column's width, and `max_future_skew_secs` of future skew (600 in Magento).
pub fn policy(allow_hmac_sha1: bool, max_future_skew_secs: i64) -> Policy {
    Policy {
        allow_hmac_sha1,
        max_future_skew_secs,
        param_order: ParamOrder::Natural,
        nonce_max_chars: Some(NONCE_COLUMN_CHARS),
        key_length: Some(KEY_LENGTH),
    }
}

impl From<OAuthError> for MagentoError {
    /// Magento's status and body for each failed check (reference §2.5.6): 400 for the
    /// input checks (version, required parameters, token length, signature method),
    /// 401 for the rest.
    fn from(err: OAuthError) -> Self {
        match err {
            OAuthError::UnsupportedVersion(sent) => {
                MagentoError::bad_request(msg::VERSION).positional([Value::String(sent)])
            }
            OAuthError::MissingParameters(names) => MagentoError::required_fields(&names),
            OAuthError::TokenLength => MagentoError::bad_request(msg::TOKEN_LENGTH),
            OAuthError::UnsupportedSignatureMethod(sent) => {
                MagentoError::bad_request(msg::SIGNATURE_METHOD).positional([Value::String(sent)])
            }
            OAuthError::ConsumerKeyLength => MagentoError::unauthorized(msg::CONSUMER_KEY_LENGTH),
            OAuthError::UnknownConsumer => MagentoError::unauthorized(msg::CONSUMER_MISSING),
            // The intended "Incorrect timestamp value" is swallowed by the nonce
            // generator's generic catch, and so is a failed nonce insert.
            OAuthError::InvalidTimestamp | OAuthError::NonceNotStored => {
                MagentoError::unauthorized(msg::NONCE_ERROR)
            }
            // The consumer id is a JSON string (`["1"]`): Magento's PDO adapter fetches
            // with `ATTR_STRINGIFY_FETCHES`, so `$consumer->getId()` is `"1"`.
            OAuthError::NonceUsed { consumer_id } => MagentoError::unauthorized(msg::NONCE_USED)
                .positional([Value::String(consumer_id.to_string())]),
            OAuthError::UnknownToken => MagentoError::unauthorized(msg::TOKEN_MISSING),
            OAuthError::TokenConsumerMismatch => MagentoError::unauthorized(msg::TOKEN_CONSUMER),
            OAuthError::NotAccessToken => MagentoError::unauthorized(msg::TOKEN_NOT_ACCESS),
            OAuthError::TokenRevoked => MagentoError::unauthorized(msg::TOKEN_REVOKED),
            OAuthError::InvalidSignature => MagentoError::unauthorized(msg::SIGNATURE_INVALID),
        }
    }
}

/// [`sim_oauth1::try_verify`] with Magento's errors: `Ok(None)` when the request is no
/// OAuth attempt (the caller is a guest).
pub fn try_verify(
    req: &OAuthRequest<'_>,
    store: &mut impl OAuthStore,
    now_unix: i64,
    policy: &Policy,
) -> MResult<Option<Verified>> {
    sim_oauth1::try_verify(req, store, now_unix, policy).map_err(MagentoError::from)
}

/// [`sim_oauth1::verify`] with Magento's errors.
pub fn verify(
    req: &OAuthRequest<'_>,
    store: &mut impl OAuthStore,
    now_unix: i64,
    policy: &Policy,
) -> MResult<Verified> {
    sim_oauth1::verify(req, store, now_unix, policy).map_err(MagentoError::from)
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use serde_json::json;

    use super::*;

    #[track_caller]
    fn answers(err: OAuthError, status: u16, body: Value) {
        let magento = MagentoError::from(err);
        assert_eq!(magento.status, StatusCode::from_u16(status).unwrap());
        assert_eq!(magento.body(), body);
    }

    #[test]
    fn every_failed_check_answers_magentos_status_and_body() {
        answers(
            OAuthError::UnsupportedVersion("2.0".into()),
            400,
            json!({"message": "The \"%1\" Oauth version isn't supported.", "parameters": ["2.0"]}),
        );
        answers(
            OAuthError::MissingParameters(vec!["oauth_nonce"]),
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "oauth_nonce"}}),
        );
        let required = |f: &str| {
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": f}})
        };
        answers(
            OAuthError::MissingParameters(vec!["oauth_signature", "oauth_token"]),
            400,
            json!({"message": "One or more input exceptions have occurred.",
                   "errors": [required("oauth_signature"), required("oauth_token")]}),
        );
        answers(
            OAuthError::TokenLength,
            400,
            json!({"message": "The token length is invalid. Check the length and try again."}),
        );
        answers(
            OAuthError::UnsupportedSignatureMethod("HMAC-SHA1".into()),
            400,
            json!({"message": "Signature method %1 is not supported", "parameters": ["HMAC-SHA1"]}),
        );
        answers(
            OAuthError::ConsumerKeyLength,
            401,
            json!({"message": "Consumer key is not the correct length"}),
        );
        answers(
            OAuthError::UnknownConsumer,
            401,
            json!({"message": "A consumer having the specified key does not exist"}),
        );
        for generic in [OAuthError::InvalidTimestamp, OAuthError::NonceNotStored] {
            answers(
                generic,
                401,
                json!({"message": "An error occurred validating the nonce"}),
            );
        }
        answers(
            OAuthError::NonceUsed { consumer_id: 1 },
            401,
            json!({"message": "The nonce is already being used by the consumer with ID %1",
                   "parameters": ["1"]}),
        );
        answers(
            OAuthError::UnknownToken,
            401,
            json!({"message": "Specified token does not exist"}),
        );
        answers(
            OAuthError::TokenConsumerMismatch,
            401,
            json!({"message": "Token is not associated with the specified consumer"}),
        );
        answers(
            OAuthError::NotAccessToken,
            401,
            json!({"message": "Token is not an access token"}),
        );
        answers(
            OAuthError::TokenRevoked,
            401,
            json!({"message": "Access token has been revoked"}),
        );
        answers(
            OAuthError::InvalidSignature,
            401,
            json!({"message": "The signature is invalid. Verify and try again."}),
        );
    }

    #[test]
    fn all_six_missing_is_one_aggregated_error() {
        let err = MagentoError::from(OAuthError::MissingParameters(REQUIRED.to_vec()));
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(err.errors.len(), 6);
    }

    #[test]
    fn the_policy_is_magentos() {
        let p = policy(false, 600);
        assert_eq!(p.param_order, ParamOrder::Natural);
        assert_eq!(p.key_length, Some(32));
        assert_eq!(p.nonce_max_chars, Some(32));
        assert!(!p.allow_hmac_sha1);
        assert_eq!(p.max_future_skew_secs, 600);
        assert!(policy(true, 30).allow_hmac_sha1);
    }
}
