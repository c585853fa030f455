//! Loads `fixtures/magento/seed.json` into a [`State`]. The default is embedded at
//! build time (in-process tests need no path); `cartsim serve --fixtures DIR` reads
//! `DIR/magento/seed.json` instead when it exists.
//!
//! The default fixture is the store of the seed trace: its store views, groups,
//! configurations and modules, MSI sources `default`, `ua-warehouse`, `us-warehouse`,
//! stocks 1 and 2 with their links, attribute sets 4 and 9, Magento 2.4.0, next product
//! id 282, the trace's consumer key and access token (secrets chosen here), one admin.

use std::path::Path;

pub use sim_core::fixtures::FixtureError;

use crate::state::State;

const EMBEDDED: &str = include_str!("../../../fixtures/magento/seed.json");

/// Parses and validates fixture text.
pub fn parse(text: &str) -> Result<State, String> {
    let mut state: State = serde_json::from_str(text).map_err(|e| e.to_string())?;
    state.fill_counters();
    state.validate()?;
    Ok(state)
}

/// The default fixture, as embedded.
///
/// # Panics
/// Never in a built crate: the embedded fixture is checked by this crate's tests.
pub fn default_state() -> State {
    parse(EMBEDDED).unwrap_or_else(|e| panic!("embedded magento fixture: {e}"))
}

/// The fixture from `dir/magento/seed.json` when `dir` is given and holds one, else
/// the embedded default.
pub fn load(dir: Option<&Path>) -> Result<State, FixtureError> {
    sim_core::fixtures::load("magento", dir, EMBEDDED, parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixture_is_the_seed_store() {
        let s = default_state();
        assert_eq!(s.version, "2.4.0");
        assert_eq!(s.next.product_id, 282);
        assert_eq!(
            s.sources
                .iter()
                .map(|s| s.source_code.as_str())
                .collect::<Vec<_>>(),
            ["default", "ua-warehouse", "us-warehouse"]
        );
        assert_eq!(s.stocks.len(), 2);
        assert_eq!(s.stock_source_links.len(), 3);
        assert_eq!(
            s.integrations.first().map(|i| i.consumer_key.as_str()),
            Some("0uhhig77uio82511tzfvv3ffidovtmif")
        );
        assert_eq!(
            s.default_store_view().map(|v| v.code.as_str()),
            Some("default")
        );
    }

    #[test]
    fn a_bad_fixture_says_what_is_wrong() {
        let err = parse("{\"version\": 1}").unwrap_err();
        assert!(err.contains("expected a string"), "{err}");
        let dir = std::env::temp_dir().join(format!("sim-magento-fixture-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("magento")).unwrap();
        std::fs::write(dir.join("magento/seed.json"), "{\"version\": 1}").unwrap();
        let err = load(Some(&dir)).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            err.starts_with("invalid magento fixture ") && err.contains("magento/seed.json: "),
            "{err}"
        );
    }
}
