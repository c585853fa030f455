//! Who is calling (reference §2): a bearer token first, then OAuth 1.0a, else a guest.
//! The lookups are the store's ([`Credentials`]); the order of the checks, the nonce
//! table and every answer are Magento's, for the Magento simulator and the extensions
//! it hosts alike.
//!
//! Bearer failures are not errors: an unknown, expired or revoked bearer token makes
//! the request a guest's, which then fails the ACL check. A malformed or invalid OAuth
//! header fails with its own error.

use sim_oauth1::{NonceCache, NonceLimits};

use crate::errors::MResult;
use crate::integrations::Integrations;
use crate::oauth::{self, AccessToken, Consumer, OAuthRequest, OAuthStore, Policy};

/// Who is calling, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An admin token.
    Admin {
        /// User id.
        user_id: u64,
    },
    /// An integration (OAuth, or its access token as bearer where allowed).
    Integration {
        /// Integration id.
        id: u64,
    },
    /// A customer token.
    Customer {
        /// Customer id.
        customer_id: u64,
    },
    /// Nobody.
    Guest,
}

/// What a store knows about its callers: its bearer tokens, its integrations (the OAuth
/// consumers and tokens, looked up through their indexes) and its OAuth rules.
pub trait Credentials {
    /// The caller of a bearer token: an admin or customer token, an integration's
    /// access token where the version allows it, else a guest.
    fn bearer(&self, token: &str, now_unix: i64) -> Principal;
    /// The store's integrations: the OAuth consumers and their access tokens.
    fn integrations(&self) -> &Integrations;
    /// The OAuth checks of this store's version and settings ([`oauth::policy`]).
    fn oauth_policy(&self) -> Policy;
}

/// The nonce table's bounds: 16 MiB of nonces, and Magento's cleanup window
/// (`oauth/cleanup/expiration_period`, 120 minutes) for which ones go first when it is
/// full. See [`sim_oauth1::NonceCache`] for the eviction rule.
pub const NONCE_LIMITS: NonceLimits = NonceLimits {
    max_bytes: 16 * 1024 * 1024,
    window_secs: 120 * 60,
};

/// Used OAuth nonces per consumer: Magento's `oauth_nonce` table, bounded by
/// [`NONCE_LIMITS`].
#[derive(Debug)]
pub struct Nonces(NonceCache);

impl Default for Nonces {
    fn default() -> Self {
        Self(NonceCache::new(NONCE_LIMITS))
    }
}

impl Nonces {
    /// Records `nonce` for `consumer` (with the client's `timestamp`); false when it
    /// was already used. Compared case-insensitively, as Magento's nonce table (MySQL
    /// collation) does.
    pub fn burn(&mut self, consumer: u64, nonce: &str, timestamp: i64, now_unix: i64) -> bool {
        self.0
            .burn(consumer, &nonce.to_ascii_lowercase(), timestamp, now_unix)
    }

    /// Forgets every nonce.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// How many are remembered.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when none is remembered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes they are charged (at most `NONCE_LIMITS.max_bytes`).
    pub fn bytes(&self) -> usize {
        self.0.bytes()
    }
}

struct Store<'a, C: Credentials> {
    creds: &'a C,
    nonces: &'a mut Nonces,
}

impl<C: Credentials> OAuthStore for Store<'_, C> {
    fn consumer(&self, key: &str) -> Option<Consumer> {
        self.creds.integrations().consumer(key)
    }

    fn token(&self, token: &str) -> Option<AccessToken> {
        self.creds.integrations().access_token(token)
    }

    fn burn_nonce(&mut self, consumer_id: u64, nonce: &str, timestamp: i64, now: i64) -> bool {
        self.nonces.burn(consumer_id, nonce, timestamp, now)
    }
}

/// Resolves the caller of `req`: bearer token first, then OAuth, else guest.
pub fn authenticate(
    creds: &impl Credentials,
    nonces: &mut Nonces,
    req: &OAuthRequest<'_>,
    now_unix: i64,
) -> MResult<Principal> {
    if let Some(token) = req.authorization.and_then(bearer) {
        return Ok(creds.bearer(token, now_unix));
    }
    if oauth::is_oauth(req.authorization) {
        let policy = creds.oauth_policy();
        let mut store = Store { creds, nonces };
        // An `OAuth` header that carries no oauth_* parameter at all is no OAuth
        // attempt for Magento: the caller is a guest.
        return Ok(
            match oauth::try_verify(req, &mut store, now_unix, &policy)? {
                Some(verified) => Principal::Integration {
                    id: verified.consumer_id,
                },
                None => Principal::Guest,
            },
        );
    }
    Ok(Principal::Guest)
}

/// The token of an `Authorization: Bearer <token>` header: scheme case-insensitive,
/// exactly two space-separated parts.
pub fn bearer(header: &str) -> Option<&str> {
    let mut parts = header.split(' ');
    let (scheme, token) = (parts.next()?, parts.next()?);
    (parts.next().is_none() && scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
        .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_needs_exactly_two_parts() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer abc"), Some("abc"));
        assert_eq!(bearer("Bearer  abc"), None);
        assert_eq!(bearer("Bearer abc def"), None);
        assert_eq!(bearer("OAuth oauth_token=\"x\""), None);
    }

    #[test]
    fn nonces_are_per_consumer_case_insensitive_and_bounded_by_bytes() {
        const NOW: i64 = 1_753_130_948;
        let mut n = Nonces::default();
        assert!(n.burn(1, "a", NOW, NOW));
        assert!(!n.burn(1, "A", NOW, NOW), "MySQL collation");
        assert!(n.burn(2, "a", NOW, NOW));
        // Fill the budget with 32-character nonces, as Magento's column holds.
        let per_entry = sim_oauth1::NonceCache::cost_of(&"0".repeat(32));
        let fits = NONCE_LIMITS.max_bytes / per_entry;
        for i in 0..fits + 10 {
            assert!(n.burn(3, &format!("{i:032}"), NOW, NOW));
        }
        assert!(n.bytes() <= NONCE_LIMITS.max_bytes);
        assert!(n.len() <= fits + 2);
        // The first nonces had the oldest timestamps (equal ones go in order) and were
        // forgotten; the newest is still refused.
        assert!(n.burn(1, "a", NOW, NOW), "the oldest nonce was forgotten");
        assert!(!n.burn(3, &format!("{:032}", fits + 9), NOW, NOW));
        n.clear();
        assert!(n.is_empty());
    }
}
