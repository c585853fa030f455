//! Loads `fixtures/snipcart/seed.json` into a [`State`]: the seed's two products (`HGW`
//! and `AP1` with its variants, seed `002`) in Test mode, a Test and a Live key. The
//! file is embedded at build time; `cartsim serve --fixtures DIR` reads
//! `DIR/snipcart/seed.json` instead when it exists.

use std::path::Path;

use crate::state::State;

const EMBEDDED: &str = include_str!("../../../fixtures/snipcart/seed.json");

pub use sim_core::fixtures::FixtureError;

/// The default fixture, as embedded.
pub fn default_state() -> State {
    parse(EMBEDDED).unwrap_or_else(|e| panic!("embedded snipcart fixture: {e}"))
}

/// The fixture from `dir/snipcart/seed.json` when `dir` is given and holds one, else
/// the embedded default.
pub fn load(dir: Option<&Path>) -> Result<State, FixtureError> {
    sim_core::fixtures::load("snipcart", dir, EMBEDDED, parse)
}

fn parse(text: &str) -> Result<State, String> {
    let mut state: State = serde_json::from_str(text).map_err(|e| e.to_string())?;
    state.validate()?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Mode;

    #[test]
    fn the_embedded_fixture_loads_with_its_indexes() {
        let s = default_state();
        assert_eq!(s.test.products.len(), 2);
        assert!(s.live.products.is_empty());
        s.test.products.check().unwrap();
        let ap1 = s.test.products.find("AP1").unwrap();
        assert_eq!(ap1.total_stock, Some(11));
        assert_eq!(
            s.test
                .products
                .find("3932ecd1-6508-4209-a7c6-8da4cc75590d")
                .unwrap()
                .user_defined_id,
            "AP1"
        );
        assert_eq!(
            s.key_mode("ST_cartsim_test_secret_key_0000000000000001"),
            Some(Mode::Test)
        );
    }
}
