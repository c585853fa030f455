//! Integrations (System > Extensions > Integrations): each is an OAuth consumer with one
//! access token and the ACL resources it was granted. Every store on Magento's web API
//! holds them, the Magento simulator and the extensions it hosts alike.
//!
//! [`Integrations`] keeps the list in fixture order and indexes it by id, consumer key
//! and access token, so authenticating a request looks nothing up by scanning. Keys
//! and tokens are found ignoring ASCII case, as MySQL's collation finds them in
//! `oauth_consumer` and `oauth_token`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::oauth::{AccessToken, Consumer, KEY_LENGTH};
use crate::routes::ANONYMOUS;

/// The resource that grants everything.
pub const ALL: &str = "Magento_Backend::all";

/// One integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    /// Integration id (also its OAuth consumer id).
    pub id: u64,
    /// Name.
    pub name: String,
    /// 32 characters.
    pub consumer_key: String,
    /// 32 characters.
    pub consumer_secret: String,
    /// 32 characters.
    pub access_token: String,
    /// 32 characters.
    pub access_token_secret: String,
    /// Inactive integrations authenticate but are granted nothing.
    #[serde(default = "yes")]
    pub active: bool,
    /// A revoked token fails with `Access token has been revoked`.
    #[serde(default)]
    pub revoked: bool,
    /// ACL resources granted; [`ALL`] grants everything.
    pub resources: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A store's integrations, indexed. Serialised as the plain list.
#[derive(Debug, Clone, Default)]
pub struct Integrations {
    list: Vec<Integration>,
    by_id: HashMap<u64, usize>,
    /// Lower-cased consumer key → position.
    by_key: HashMap<String, usize>,
    /// Lower-cased access token → position.
    by_token: HashMap<String, usize>,
}

impl PartialEq for Integrations {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl Integrations {
    /// Indexes `list`. Where two share an id, key or token the first is found;
    /// [`Integrations::validate`] refuses such a list.
    pub fn new(list: Vec<Integration>) -> Self {
        let mut by_id = HashMap::with_capacity(list.len());
        let mut by_key = HashMap::with_capacity(list.len());
        let mut by_token = HashMap::with_capacity(list.len());
        for (n, i) in list.iter().enumerate() {
            by_id.entry(i.id).or_insert(n);
            by_key
                .entry(i.consumer_key.to_ascii_lowercase())
                .or_insert(n);
            by_token
                .entry(i.access_token.to_ascii_lowercase())
                .or_insert(n);
        }
        Self {
            list,
            by_id,
            by_key,
            by_token,
        }
    }

    /// Checks a list for import: keys, secrets and tokens of 32 characters, and no id,
    /// consumer key or access token (ignoring case) used twice. The message names the
    /// integrations.
    pub fn validate(&self) -> Result<(), String> {
        for (n, i) in self.list.iter().enumerate() {
            for (what, v) in [
                ("consumer_key", &i.consumer_key),
                ("consumer_secret", &i.consumer_secret),
                ("access_token", &i.access_token),
                ("access_token_secret", &i.access_token_secret),
            ] {
                if v.chars().count() != KEY_LENGTH {
                    return Err(format!(
                        "integration {}: {what} must be {KEY_LENGTH} characters",
                        i.id
                    ));
                }
            }
            let first = |found: Option<&usize>| found.copied().filter(|&f| f != n);
            if first(self.by_id.get(&i.id)).is_some() {
                return Err(format!(
                    "integrations: integration id {} is listed twice",
                    i.id
                ));
            }
            for (what, found) in [
                (
                    "consumer key",
                    first(self.by_key.get(&i.consumer_key.to_ascii_lowercase())),
                ),
                (
                    "access token",
                    first(self.by_token.get(&i.access_token.to_ascii_lowercase())),
                ),
            ] {
                if let Some(f) = found {
                    return Err(format!(
                        "integrations: integrations {} and {} have the same {what}",
                        self.list[f].id, i.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// Changes the list through `f` and indexes it again (fixtures and tests; no request
    /// changes integrations).
    pub fn edit<R>(&mut self, f: impl FnOnce(&mut Vec<Integration>) -> R) -> R {
        let mut list = std::mem::take(&mut self.list);
        let r = f(&mut list);
        *self = Integrations::new(list);
        r
    }

    /// In fixture order.
    pub fn iter(&self) -> std::slice::Iter<'_, Integration> {
        self.list.iter()
    }

    /// The first one (the banner's and the test helpers' credentials).
    pub fn first(&self) -> Option<&Integration> {
        self.list.first()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The integration with id `id`.
    pub fn get(&self, id: u64) -> Option<&Integration> {
        self.by_id.get(&id).map(|&n| &self.list[n])
    }

    /// The integration whose consumer key is `key`, ignoring ASCII case.
    pub fn by_consumer_key(&self, key: &str) -> Option<&Integration> {
        self.lookup(&self.by_key, key)
    }

    /// The integration whose access token is `token`, ignoring ASCII case.
    pub fn by_access_token(&self, token: &str) -> Option<&Integration> {
        self.lookup(&self.by_token, token)
    }

    fn lookup(&self, index: &HashMap<String, usize>, text: &str) -> Option<&Integration> {
        // Most requests carry the key as stored (lower case): copy only when needed.
        let n = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            index.get(&text.to_ascii_lowercase())
        } else {
            index.get(text)
        }?;
        Some(&self.list[*n])
    }

    /// The OAuth consumer of key `key`.
    pub fn consumer(&self, key: &str) -> Option<Consumer> {
        self.by_consumer_key(key).map(|i| Consumer {
            id: i.id,
            secret: i.consumer_secret.clone(),
        })
    }

    /// The OAuth access token `token`.
    pub fn access_token(&self, token: &str) -> Option<AccessToken> {
        self.by_access_token(token).map(|i| AccessToken {
            consumer_id: i.id,
            secret: i.access_token_secret.clone(),
            is_access: true,
            revoked: i.revoked,
        })
    }

    /// The integration whose access token, sent as a bearer token, is exactly `token`
    /// and not revoked (whether the store accepts integration tokens as bearer is the
    /// caller's question).
    pub fn bearer(&self, token: &str) -> Option<u64> {
        self.by_access_token(token)
            .filter(|i| i.access_token == token && !i.revoked)
            .map(|i| i.id)
    }

    /// Whether integration `id` may call a route needing any of `resources`: it is
    /// active, not revoked, and granted [`ALL`] or one of them (an anonymous route
    /// needs nothing).
    pub fn allows(&self, id: u64, resources: &[&str]) -> bool {
        if resources.contains(&ANONYMOUS) {
            return true;
        }
        self.get(id).is_some_and(|i| {
            i.active
                && !i.revoked
                && i.resources
                    .iter()
                    .any(|r| r == ALL || resources.contains(&r.as_str()))
        })
    }
}

impl Serialize for Integrations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Integrations {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Integration>::deserialize(d).map(Integrations::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration(id: u64, key: &str, token: &str) -> Integration {
        Integration {
            id,
            name: format!("i{id}"),
            consumer_key: key.to_owned(),
            consumer_secret: "s".repeat(32),
            access_token: token.to_owned(),
            access_token_secret: "t".repeat(32),
            active: true,
            revoked: false,
            resources: vec!["Magento_Catalog::products".into()],
        }
    }

    #[test]
    fn lookups_ignore_case_and_bearer_does_not() {
        let all = Integrations::new(vec![integration(1, &"k".repeat(32), &"a".repeat(32))]);
        assert!(all.validate().is_ok());
        assert_eq!(all.by_consumer_key(&"K".repeat(32)).map(|i| i.id), Some(1));
        assert_eq!(
            all.access_token(&"A".repeat(32)).map(|t| t.consumer_id),
            Some(1)
        );
        assert_eq!(all.bearer(&"a".repeat(32)), Some(1));
        assert_eq!(all.bearer(&"A".repeat(32)), None);
        assert!(all.allows(1, &["Magento_Catalog::products"]));
        assert!(!all.allows(1, &["Magento_Sales::sales"]));
        assert!(all.allows(99, &[ANONYMOUS]));
        assert!(!all.allows(99, &["Magento_Catalog::products"]));
    }

    #[test]
    fn validate_names_the_clash() {
        let key = "k".repeat(32);
        let two = Integrations::new(vec![
            integration(1, &key, &"a".repeat(32)),
            integration(2, &key.to_uppercase(), &"b".repeat(32)),
        ]);
        assert_eq!(
            two.validate(),
            Err("integrations: integrations 1 and 2 have the same consumer key".into())
        );
        let short = Integrations::new(vec![integration(3, "short", &"a".repeat(32))]);
        assert_eq!(
            short.validate(),
            Err("integration 3: consumer_key must be 32 characters".into())
        );
        let ids = Integrations::new(vec![
            integration(4, &key, &"a".repeat(32)),
            integration(4, &"x".repeat(32), &"b".repeat(32)),
        ]);
        assert_eq!(
            ids.validate(),
            Err("integrations: integration id 4 is listed twice".into())
        );
    }
}
