//! Who is calling and may they: bearer tokens, OAuth 1.0a, ACL (reference §2).
//!
//! Bearer failures are not errors: an unknown, expired or revoked bearer token makes
//! the request a guest's, which then fails the ACL check. A malformed or invalid OAuth
//! header fails with its own error.

pub mod oauth;

use std::collections::{HashSet, VecDeque};

use crate::errors::{MResult, MagentoError};
use crate::handlers::Principal;
use crate::routes::{ANONYMOUS, SELF};
use crate::state::{State, TokenOwner};
use oauth::{AccessToken, Consumer, OAuthRequest, OAuthStore, Policy};

/// Nonces kept per instance (the oldest are forgotten first, like Magento's cron purge).
pub const NONCE_CAPACITY: usize = 100_000;

/// The resource that grants everything.
pub const ALL: &str = "Magento_Backend::all";

/// Used OAuth nonces per consumer, bounded.
#[derive(Debug, Default)]
pub struct Nonces {
    seen: HashSet<(u64, String)>,
    order: VecDeque<(u64, String)>,
}

impl Nonces {
    /// Records `nonce` for `consumer`; false when it was already used. Compared
    /// case-insensitively, as Magento's nonce table (MySQL collation) does.
    pub fn burn(&mut self, consumer: u64, nonce: &str) -> bool {
        let key = (consumer, nonce.to_ascii_lowercase());
        if self.seen.contains(&key) {
            return false;
        }
        if self.order.len() >= NONCE_CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
        true
    }

    /// Forgets every nonce.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.order.clear();
    }

    /// How many are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when none is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
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

    fn burn_nonce(&mut self, consumer_id: u64, nonce: &str, _timestamp: i64) -> bool {
        self.nonces.burn(consumer_id, nonce)
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
        let policy = Policy {
            allow_hmac_sha1: !state.is_244_or_later(),
            max_future_skew_secs: state.settings.oauth_max_future_skew_secs,
        };
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
    fn nonces_are_bounded_and_per_consumer() {
        let mut n = Nonces::default();
        assert!(n.burn(1, "a"));
        assert!(!n.burn(1, "a"));
        assert!(n.burn(2, "a"));
        for i in 0..NONCE_CAPACITY {
            n.burn(3, &i.to_string());
        }
        assert_eq!(n.len(), NONCE_CAPACITY);
        assert!(n.burn(1, "a"), "the oldest nonce was forgotten");
    }
}
