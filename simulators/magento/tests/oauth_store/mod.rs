//! Shared by the OAuth test files: one integration's credentials as the verifier's
//! store (nonces kept in memory) and as the client's signer.

#![allow(dead_code)]

use std::collections::HashSet;

use oauth1_client::{SignatureMethod, Signer};
use sim_magento::auth::oauth::{AccessToken, Consumer, OAuthStore};

/// Consumer key and secret, access token and secret.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Credentials {
    pub(crate) ck: &'static str,
    pub(crate) cs: &'static str,
    pub(crate) at: &'static str,
    pub(crate) ts: &'static str,
}

impl Credentials {
    /// A fresh store (no nonce used yet) that knows these credentials as consumer 1.
    pub(crate) fn store(self) -> Store {
        Store {
            credentials: self,
            nonces: HashSet::new(),
        }
    }

    /// The client signer for these credentials.
    pub(crate) fn signer(self, method: SignatureMethod) -> Signer {
        Signer {
            consumer_key: self.ck.into(),
            consumer_secret: self.cs.into(),
            token: self.at.into(),
            token_secret: self.ts.into(),
            method,
        }
    }
}

/// The verifier's view of one integration.
pub(crate) struct Store {
    credentials: Credentials,
    nonces: HashSet<(u64, String)>,
}

impl OAuthStore for Store {
    fn consumer(&self, key: &str) -> Option<Consumer> {
        (key == self.credentials.ck).then(|| Consumer {
            id: 1,
            secret: self.credentials.cs.to_owned(),
        })
    }

    fn token(&self, token: &str) -> Option<AccessToken> {
        (token == self.credentials.at).then(|| AccessToken {
            consumer_id: 1,
            secret: self.credentials.ts.to_owned(),
            is_access: true,
            revoked: false,
        })
    }

    fn burn_nonce(&mut self, consumer_id: u64, nonce: &str, _timestamp: i64, _now: i64) -> bool {
        self.nonces.insert((consumer_id, nonce.to_owned()))
    }
}
