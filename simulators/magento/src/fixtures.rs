//! Loads `fixtures/magento/seed.json` into a [`State`]. The default is embedded at
//! build time (in-process tests need no path); `cartsim serve --fixtures DIR` reads
//! `DIR/magento/seed.json` instead when it exists.
//!
//! The default fixture is the store of the seed trace: its store views, groups,
//! configurations and modules, MSI sources `default`, `ua-warehouse`, `us-warehouse`,
//! stocks 1 and 2 with their links, attribute sets 4 and 9, Magento 2.4.0, next product
//! id 282, the trace's consumer key and access token (secrets chosen here), one admin.

use std::path::{Path, PathBuf};

use crate::state::State;

const EMBEDDED: &str = include_str!("../../../fixtures/magento/seed.json");

/// A fixture file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read magento fixture {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid Magento fixture.
    #[error("invalid magento fixture {path}: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Parses fixture text.
pub fn parse(text: &str, path: &Path) -> Result<State, FixtureError> {
    let invalid = |reason: String| FixtureError::Invalid {
        path: path.to_owned(),
        reason,
    };
    let state: State = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    state.validate().map_err(invalid)?;
    Ok(state)
}

/// The default fixture, as embedded.
///
/// # Panics
/// Never in a built crate: the embedded fixture is checked by this crate's tests.
pub fn default_state() -> State {
    parse(EMBEDDED, Path::new("<embedded>")).unwrap_or_else(|e| panic!("embedded fixture: {e}"))
}

/// The fixture from `dir/magento/seed.json` when `dir` is given and holds one, else
/// the embedded default.
pub fn load(dir: Option<&Path>) -> Result<State, FixtureError> {
    let Some(dir) = dir else {
        return Ok(default_state());
    };
    let path = dir.join("magento").join("seed.json");
    if !path.exists() {
        return Ok(default_state());
    }
    let text = std::fs::read_to_string(&path).map_err(|source| FixtureError::Read {
        path: path.clone(),
        source,
    })?;
    parse(&text, &path)
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
            s.integrations[0].consumer_key,
            "0uhhig77uio82511tzfvv3ffidovtmif"
        );
        assert_eq!(
            s.default_store_view().map(|v| v.code.as_str()),
            Some("default")
        );
    }

    #[test]
    fn a_bad_fixture_names_file_and_cause() {
        let err = parse("{\"version\": 1}", Path::new("x/seed.json")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid magento fixture x/seed.json: ")
        );
    }
}
