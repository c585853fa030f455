//! Loads `fixtures/printxpand/seed.json` into a [`Store`]: what the seed's examples need
//! to exist beforehand, one integration, and the store's settings (the file's `notes`
//! say why each entity is there). The file is embedded at build time; `cartsim serve
//! --fixtures DIR` reads `DIR/printxpand/seed.json` instead when it exists.
//!
//! A fixture is `{"notes": "...", "state": <the /__sim/state document>}`.

use std::path::Path;

pub use sim_core::fixtures::FixtureError;

use crate::state::State;
use crate::store::Store;

/// The embedded fixture's text.
pub const EMBEDDED: &str = include_str!("../../../fixtures/printxpand/seed.json");

/// The default fixture store, as embedded; a broken embedded fixture is a build defect
/// (the crate's tests load it).
pub fn default_store() -> Store {
    parse(EMBEDDED).unwrap_or_else(|e| panic!("embedded printxpand fixture: {e}"))
}

/// The default fixture's customers, categories, products and orders.
pub fn fixture() -> State {
    default_store().state
}

/// The fixture from `dir/printxpand/seed.json` when `dir` is given and holds one, else
/// the embedded default.
pub fn load(dir: Option<&Path>) -> Result<Store, FixtureError> {
    sim_core::fixtures::load("printxpand", dir, EMBEDDED, parse)
}

/// Reads a fixture document, checked whole ([`Store::from_value`]).
pub fn parse(text: &str) -> Result<Store, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[serde(default)]
        #[allow(dead_code)]
        notes: Option<String>,
        state: serde_json::Value,
    }
    let doc: Doc = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Store::from_value(doc.state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixture_loads_and_round_trips() {
        let store = default_store();
        assert_eq!(store.integrations.len(), 1);
        assert!(store.state.customers().contains("1234001"));
        assert!(store.settings.is_244_or_later());
        let again = Store::from_value(store.to_value()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, store);
    }
}
