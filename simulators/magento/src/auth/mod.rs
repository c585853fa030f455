//! Who is calling and may they (reference §2): the store's side of authentication
//! (its tokens and integrations, as [`Credentials`]) and the ACL. The order of the
//! checks, the nonce table and the OAuth answers are the web-API framework's
//! (`sim_magento_webapi::auth`), shared with the extensions the store hosts.

pub use sim_magento_webapi::auth::{Credentials, NONCE_LIMITS, Nonces, authenticate};
pub use sim_magento_webapi::oauth;

use crate::errors::{MResult, MagentoError};
use crate::handlers::Principal;
use crate::routes::{ANONYMOUS, SELF};
use crate::state::Integrations;
use crate::state::{State, TokenOwner};
use oauth::Policy;

impl Credentials for State {
    fn bearer(&self, token: &str, now_unix: i64) -> Principal {
        bearer_principal(self, token, now_unix)
    }

    fn integrations(&self) -> &Integrations {
        &self.integrations
    }

    fn oauth_policy(&self) -> Policy {
        oauth::policy(
            !self.is_244_or_later(),
            self.settings.oauth_max_future_skew_secs,
        )
    }
}

pub use sim_magento_webapi::integrations::ALL;

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
        if let Some(id) = state.integrations.bearer(token) {
            return Principal::Integration { id };
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
        Principal::Integration { id } => state.integrations.allows(*id, resources),
        Principal::Customer { .. } => resources.contains(&SELF),
        Principal::Guest => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(MagentoError::not_authorized(resources))
    }
}
