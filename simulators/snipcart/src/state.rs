//! The whole state of one Snipcart instance: the API keys, and per mode (Test, Live)
//! the store's data. No HTTP here.

use serde::{Deserialize, Serialize};

use crate::carts::AbandonedCarts;
use crate::customers::Customers;
use crate::discounts::Discounts;
use crate::orders::Orders;
use crate::products::Products;
use crate::settings::Settings;
use crate::validation::RequestTokens;

/// A key's mode; every entity carries it (`"mode": "Test"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// Test data, seen by Test keys.
    Test,
    /// Live data, seen by Live keys.
    Live,
}

/// A secret API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    /// The secret, sent as the Basic user name.
    pub secret: String,
    /// Whose data it sees.
    pub mode: Mode,
}

/// One mode's data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Store {
    /// Products (crawled or from completed orders).
    #[serde(default)]
    pub products: Products,
    /// Completed orders.
    #[serde(default)]
    pub orders: Orders,
    /// Customers.
    #[serde(default)]
    pub customers: Customers,
    /// Discounts.
    #[serde(default)]
    pub discounts: Discounts,
    /// Carts left unfinished.
    #[serde(default)]
    pub abandoned_carts: AbandonedCarts,
}

/// Counters behind every generated id; they only grow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Counters {
    /// GUIDs handed out (products, orders, items, refunds, notifications, tokens…).
    pub guids: u64,
    /// Last invoice number (`SNIP-0001` is 1).
    pub invoice: u64,
}

/// The whole state; `GET /__sim/state` shows exactly this.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct State {
    /// Secret API keys.
    pub api_keys: Vec<ApiKey>,
    /// Test mode's data.
    pub test: Store,
    /// Live mode's data.
    pub live: Store,
    /// Id counters.
    pub counters: Counters,
    /// Webhook URLs, switches and the crawler's allowed domains.
    #[serde(default)]
    pub settings: Settings,
    /// Request tokens issued with outgoing calls, for `/requestvalidation/{token}`.
    #[serde(default)]
    pub request_tokens: RequestTokens,
}

impl State {
    /// The mode of a secret key, if it is one.
    pub fn key_mode(&self, secret: &str) -> Option<Mode> {
        self.api_keys
            .iter()
            .find(|k| k.secret == secret)
            .map(|k| k.mode)
    }

    /// One mode's data.
    pub fn store(&self, mode: Mode) -> &Store {
        match mode {
            Mode::Test => &self.test,
            Mode::Live => &self.live,
        }
    }

    /// One mode's data, to change.
    pub fn store_mut(&mut self, mode: Mode) -> &mut Store {
        match mode {
            Mode::Test => &mut self.test,
            Mode::Live => &mut self.live,
        }
    }

    /// A new GUID: deterministic, from the counter (the same run gives the same ids).
    pub fn guid(&mut self) -> String {
        let id = self.peek_guid();
        self.take_peeked_guid();
        id
    }

    /// The GUID [`State::guid`] hands out next, without taking it: for an entity that
    /// may still be refused (a refusal spends no id).
    pub fn peek_guid(&self) -> String {
        guid(self.counters.guids.saturating_add(1))
    }

    /// Takes the GUID [`State::peek_guid`] showed.
    pub fn take_peeked_guid(&mut self) {
        self.counters.guids = self.counters.guids.saturating_add(1);
    }

    /// Rebuilds the indexes after an import and checks the whole state; `Err` names
    /// the first problem.
    pub fn validate(&mut self) -> Result<(), String> {
        if self.api_keys.is_empty() {
            return Err("apiKeys: at least one key is needed".into());
        }
        for (i, k) in self.api_keys.iter().enumerate() {
            if k.secret.is_empty() {
                return Err(format!("apiKeys[{i}]: the secret is empty"));
            }
            if self.api_keys[..i].iter().any(|o| o.secret == k.secret) {
                return Err(format!("apiKeys[{i}]: the secret is given twice"));
            }
        }
        for (mode, store) in [(Mode::Test, &mut self.test), (Mode::Live, &mut self.live)] {
            let at = |what: &str| {
                format!(
                    "{}.{what}",
                    if mode == Mode::Test { "test" } else { "live" }
                )
            };
            store
                .products
                .reindex(mode)
                .map_err(|e| format!("{}: {e}", at("products")))?;
            store
                .orders
                .reindex(mode)
                .map_err(|e| format!("{}: {e}", at("orders")))?;
            store
                .customers
                .reindex(mode)
                .map_err(|e| format!("{}: {e}", at("customers")))?;
            store
                .discounts
                .reindex(mode)
                .map_err(|e| format!("{}: {e}", at("discounts")))?;
            store
                .abandoned_carts
                .reindex(mode)
                .map_err(|e| format!("{}: {e}", at("abandonedCarts")))?;
            crate::orders::check_references(store, self.counters.invoice)
                .map_err(|e| format!("{}: {e}", at("references")))?;
        }
        self.settings
            .validate()
            .map_err(|e| format!("settings: {e}"))?;
        self.request_tokens
            .reindex()
            .map_err(|e| format!("requestTokens: {e}"))?;
        Ok(())
    }
}

/// The `n`th GUID: a version-4-shaped GUID whose 122 free bits are a fixed mix of `n`,
/// so every run hands out the same sequence, as unlikely to collide as random GUIDs.
pub fn guid(n: u64) -> String {
    let a = mix(n);
    let b = mix(n ^ 0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) & 0xFFFF,
        a & 0x0FFF,
        8 | ((b >> 60) & 0x3),
        (b >> 48) & 0x0FFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

// SplitMix64's finaliser: a bijection on u64, so distinct `n` give distinct `a`.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn guids_are_deterministic_distinct_and_guid_shaped() {
        let ids: Vec<String> = (1..=10_000).map(guid).collect();
        assert_eq!(ids[0], guid(1));
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
        for id in &ids {
            let parts: Vec<&str> = id.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(parts[2].starts_with('4'), "{id}");
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{id}");
        }
    }
}
