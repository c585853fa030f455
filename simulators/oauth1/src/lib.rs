//! OAuth 1.0a request verification as the Magento framework does it, for any simulator
//! whose platform authenticates that way (Magento itself; PrintXpand, a Magento
//! extension).
//!
//! Platform-neutral: the verifier returns an [`OAuthError`] naming the failed check, and
//! the platform crate maps it to its own status and body. The checks that differ
//! between platforms and versions are [`Policy`] fields. Everything is pure: one request
//! in, one verdict out; the platform's state answers the lookups through
//! [`OAuthStore`], and [`NonceCache`] is a bounded nonce table for it.
//!
//! This crate verifies; it does not sign. Clients and tests sign with `oauth1-client`,
//! a separate implementation that shares no code with this one, so that a bug in
//! percent-encoding or in the base string cannot cancel out.
//!
//! ```
//! use sim_oauth1::{AccessToken, Consumer, NonceCache, OAuthRequest, OAuthStore, Policy};
//!
//! struct Store(NonceCache);
//! impl OAuthStore for Store {
//!     fn consumer(&self, key: &str) -> Option<Consumer> {
//!         (key == "dpf43f3p2l4k3l03").then(|| Consumer { id: 1, secret: "kd94hf93k423kf44".into() })
//!     }
//!     fn token(&self, token: &str) -> Option<AccessToken> {
//!         (token == "nnch734d00sl2jdk").then(|| AccessToken {
//!             consumer_id: 1,
//!             secret: "pfkkdhi9sl3r4s00".into(),
//!             is_access: true,
//!             revoked: false,
//!         })
//!     }
//!     fn burn_nonce(&mut self, consumer: u64, nonce: &str, ts: i64, now: i64) -> bool {
//!         self.0.burn(consumer, nonce, ts, now)
//!     }
//! }
//!
//! // OAuth Core 1.0, Appendix A.5: GET http://photos.example.net/photos?file=vacation.jpg&size=original
//! let auth = "OAuth realm=\"http://photos.example.net/\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
//!     oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
//!     oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_timestamp=\"1191242096\", \
//!     oauth_nonce=\"kllo9940pd9333jh\", oauth_version=\"1.0\"";
//! let req = OAuthRequest {
//!     method: "GET",
//!     scheme: "http",
//!     host: "photos.example.net",
//!     path: "/photos",
//!     query: Some("file=vacation.jpg&size=original"),
//!     authorization: Some(auth),
//!     content_type: None,
//!     body: b"",
//! };
//! let mut store = Store(NonceCache::default());
//! let verified = sim_oauth1::verify(&req, &mut store, 1_191_242_096, &Policy::default()).unwrap();
//! assert_eq!(verified.consumer_id, 1);
//! // The same nonce again is a replay.
//! assert!(sim_oauth1::verify(&req, &mut store, 1_191_242_096, &Policy::default()).is_err());
//! ```
//!
//! # Layout
//!
//! - [`collect_params`]: which parameters the framework sees
//!   (`Magento\Framework\Oauth\Helper\Request`).
//! - [`base_url`], [`normalized_params`], [`base_string`], [`signature`]: the signature
//!   as the Laminas OAuth utility computes it (`Laminas\OAuth\Signature\AbstractSignature`).
//! - [`try_verify`] / [`verify`]: the checks in the framework's order (Magento reference
//!   §2.5.6; `Magento\Framework\Oauth\Oauth`, `Integration\Model\Oauth\Token\Provider`,
//!   `Integration\Model\Oauth\Nonce\Generator`), each failure an [`OAuthError`].
//! - [`NonceCache`]: used nonces per consumer, bounded by bytes, forgotten oldest
//!   `oauth_timestamp` first.
//!
//! # Where the framework differs from a tidy reading of RFC 5849
//!
//! Each of these is what the PHP does, so a client that trips on the real store trips
//! here too. Those that are a platform's or version's choice are [`Policy`] fields; the
//! rest are how the shared PHP code collects and compares, and are always on.
//!
//! - **Sort order** ([`Policy::param_order`]). Laminas and every later Magento helper sort
//!   with PHP `strnatcmp` on the encoded names (`uksort($params, 'strnatcmp')`), so digit
//!   runs compare as numbers: `…%5B2%5D…` sorts before `…%5B10%5D…`, while RFC 5849
//!   clients sort bytes. For the usual parameter sets the two agree.
//! - **Signature methods** ([`Policy::allow_hmac_sha1`]): Magento refuses `HMAC-SHA1`
//!   from 2.4.4 on.
//! - **Future skew** ([`Policy::max_future_skew_secs`]): Magento allows 600 s ahead and
//!   has no lower bound.
//! - **Key and nonce widths** ([`Policy::key_length`], [`Policy::nonce_max_chars`]):
//!   Magento's consumer keys and tokens are 32 characters, and its nonce column is
//!   `varchar(32)`, which keeps a longer nonce truncated (MySQL with `SQL_MODE=''`), so
//!   reusing it fails with [`OAuthError::NonceNotStored`], not [`OAuthError::NonceUsed`].
//! - **Only the last of a repeated name is signed** (PHP arrays overwrite).
//! - **Query names are checked raw and decoded with `urldecode`** (`+` is a space): the
//!   Laminas-era helper; older builds used `rawurldecode`. Pairs with no `=` or with two
//!   `=` are skipped; a raw name containing `oauth_<letter>` anywhere is skipped.
//! - **The base URL is Laminas-normalised** (`Uri::normalize`): lower-case scheme and
//!   host, default port dropped, dot segments removed, percent-escapes of
//!   `A-Za-z0-9-._~:@&=+$,/;%` decoded (so `%2F` becomes `/`), other escapes upper-cased,
//!   and bytes outside that set escaped. A path with `a%2Fb` therefore signs as `a/b`,
//!   and standard clients fail on it, as on the real store. Patches from 2024
//!   (`Magento\Framework\Oauth\Helper\Uri\Http`) decode only the unreserved set; that
//!   variant is not modelled.
//! - **Nonces**: stored before the token and signature checks, so a rejected request
//!   still uses its nonce up. A nonce PHP treats as false (`""`, `"0"`) is never
//!   reported as used: the lookup skips it and the second insert breaks the unique key
//!   ([`OAuthError::NonceNotStored`]).
//! - **`oauth_version` is compared loosely** (`'1.0' != $version`, PHP 8 rules): `1`,
//!   `1.00` and ` 1.0` are accepted.
//! - **`oauth_timestamp` is cast with PHP `(int)`**: leading digits count (`"17abc"` is
//!   17), anything else is 0 and refused.
//!
//! Not modelled: case-insensitive collation of keys, tokens and nonces (the
//! [`OAuthStore`]'s business); PHP's nested arrays for form-body names like `a[b]`
//! (signed flat here, where Magento fails with a PHP error); Laminas host validation.

mod base;
mod nonces;
mod params;
mod php;
mod verify;

pub use base::{base_string, base_url, normalized_params, percent_encode, signature};
pub use nonces::{ENTRY_OVERHEAD_BYTES, MAX_KEPT_NONCE_BYTES, MIN_BYTES, NonceCache, NonceLimits};
pub use params::{Collected, ParamList, collect_params, is_oauth};
pub use verify::{
    AccessToken, Consumer, OAuthError, OAuthRequest, OAuthStore, ParamOrder, Policy, REQUIRED,
    SignatureMethod, Verified, try_verify, verify,
};

#[cfg(test)]
mod tests;
