//! Who is calling and may they: bearer tokens, OAuth 1.0a, ACL (reference §2).
//!
//! Bearer failures are not errors: an unknown, expired or revoked bearer token makes
//! the request a guest's, which then fails the ACL check. A malformed or invalid OAuth
//! header fails with its own error.

pub use sim_magento_webapi::oauth;

use sim_oauth1::{NonceCache, NonceLimits};

use crate::errors::{MResult, MagentoError};
use crate::handlers::Principal;
use crate::routes::{ANONYMOUS, SELF};
use crate::state::{State, TokenOwner};
use oauth::{AccessToken, Consumer, OAuthRequest, OAuthStore};

/// The nonce table's bounds: 16 MiB of nonces, and Magento's cleanup window
/// (`oauth/cleanup/expiration_period`, 120 minutes) for which ones go first when it is
/// full. See [`sim_oauth1::NonceCache`] for the eviction rule.
pub const NONCE_LIMITS: NonceLimits = NonceLimits {
    max_bytes: 16 * 1024 * 1024,
    window_secs: 120 * 60,
};

/// The resource that grants everything.
pub const ALL: &str = "Magento_Backend::all";

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

struct Store<'a> {
    state: &'a State,
    nonces: &'a mut Nonces,
}

impl OAuthStore for Store<'_> {
    fn consumer(&self, key: &str) -> Option<Consumer> {
        self.state
            .integrations
            .iter()
            .find(|i| i.consumer_key.eq_ignore_ascii_case(key))
            .map(|i| Consumer {
                id: i.id,
                secret: i.consumer_secret.clone(),
            })
    }

    fn token(&self, token: &str) -> Option<AccessToken> {
        self.state
            .integrations
            .iter()
            .find(|i| i.access_token.eq_ignore_ascii_case(token))
            .map(|i| AccessToken {
                consumer_id: i.id,
                secret: i.access_token_secret.clone(),
                is_access: true,
                revoked: i.revoked,
            })
    }

    fn burn_nonce(&mut self, consumer_id: u64, nonce: &str, timestamp: i64, now: i64) -> bool {
        self.nonces.burn(consumer_id, nonce, timestamp, now)
    }
}

/// Resolves the caller of `req`: bearer token first, then OAuth, else guest.
pub fn authenticate(
    state: &State,
    nonces: &mut Nonces,
    req: &OAuthRequest<'_>,
    now_unix: i64,
) -> MResult<Principal> {
    if let Some(token) = req.authorization.and_then(bearer) {
        return Ok(bearer_principal(state, token, now_unix));
    }
    if oauth::is_oauth(req.authorization) {
        let policy = oauth::policy(
            !state.is_244_or_later(),
            state.settings.oauth_max_future_skew_secs,
        );
        let mut store = Store { state, nonces };
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
fn bearer(header: &str) -> Option<&str> {
    let mut parts = header.split(' ');
    let (scheme, token) = (parts.next()?, parts.next()?);
    (parts.next().is_none() && scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
        .then_some(token)
}

fn bearer_principal(state: &State, token: &str, now_unix: i64) -> Principal {
    if let Some(t) = state
        .tokens
        .get(token)
        .filter(|t| !t.revoked && t.expires_at > now_unix)
    {
        return match t.owner {
            TokenOwner::Admin { user_id } => Principal::Admin { user_id },
            TokenOwner::Customer { customer_id } => Principal::Customer { customer_id },
        };
    }
    // Integration access tokens work as bearer tokens before 2.4.4, and from 2.4.4 on
    // only with `oauth/consumer/enable_integration_as_bearer`.
    if !state.is_244_or_later() || state.settings.integration_as_bearer {
        if let Some(i) = state
            .integrations
            .iter()
            .find(|i| i.access_token == token && !i.revoked)
        {
            return Principal::Integration { id: i.id };
        }
    }
    Principal::Guest
}

/// The ACL check: `resources` are the route's (any one suffices).
pub fn authorize(state: &State, who: &Principal, resources: &[&str]) -> MResult<()> {
    if resources.contains(&ANONYMOUS) {
        return Ok(());
    }
    let allowed = match who {
        Principal::Admin { user_id } => {
            state.admins.iter().any(|a| a.id == *user_id && a.is_active)
        }
        Principal::Integration { id } => state.integrations.iter().any(|i| {
            i.id == *id
                && i.active
                && !i.revoked
                && (i.resources.iter().any(|r| r == ALL)
                    || resources
                        .iter()
                        .any(|want| i.resources.iter().any(|r| r == want)))
        }),
        Principal::Customer { .. } => resources.contains(&SELF),
        Principal::Guest => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(MagentoError::not_authorized(resources))
    }
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
