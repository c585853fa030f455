//! The fixture: `fixtures/tunetoo/seed.json` (the shop with the docs' example key and
//! secret, the settings) and `fixtures/tunetoo/catalogue.json` (the seed's catalogue),
//! embedded at build time. `cartsim serve --fixtures DIR` reads `DIR/tunetoo/seed.json`
//! instead when it exists; a fixture without `products` gets the embedded catalogue.
//!
//! A fixture is `{"notes": "...", "state": <the /__sim/state document>}`.

use std::path::Path;

use serde_json::Value;
pub use sim_core::fixtures::FixtureError;

use crate::state::{Document, State};

/// The embedded seed.
pub const EMBEDDED: &str = include_str!("../../../fixtures/tunetoo/seed.json");
/// The embedded catalogue.
pub const CATALOGUE: &str = include_str!("../../../fixtures/tunetoo/catalogue.json");

/// The default fixture, as embedded; a broken embedded fixture is a build defect (the
/// crate's tests load it).
pub fn default_state() -> State {
    parse(EMBEDDED).unwrap_or_else(|e| panic!("embedded tunetoo fixture: {e}"))
}

/// The fixture from `dir/tunetoo/seed.json` when `dir` is given and holds one, else the
/// embedded default.
pub fn load(dir: Option<&Path>) -> Result<State, FixtureError> {
    sim_core::fixtures::load("tunetoo", dir, EMBEDDED, parse)
}

/// Reads a fixture document, checked whole.
pub fn parse(text: &str) -> Result<State, String> {
    let mut doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let Some(obj) = doc.as_object_mut() else {
        return Err("a fixture is a JSON object".into());
    };
    obj.remove("notes");
    let mut state = obj.remove("state").ok_or("a fixture has a \"state\"")?;
    if let Some(extra) = obj.keys().next() {
        return Err(format!("unknown fixture field {extra:?}"));
    }
    if let Some(s) = state.as_object_mut()
        && !s.contains_key("products")
    {
        let catalogue: Value = serde_json::from_str(CATALOGUE).map_err(|e| e.to_string())?;
        s.insert("products".into(), catalogue["products"].clone());
    }
    from_value(state)
}

/// The state of a `/__sim/state` document, checked whole.
pub fn from_value(value: Value) -> Result<State, String> {
    let doc: Document = serde_json::from_value(value).map_err(|e| e.to_string())?;
    State::from_document(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixture_has_the_docs_shop_and_the_seeds_catalogue() {
        let s = default_state();
        let shop = s.shop_by_key("31938dd85ab5a2bfce57e9eexample").unwrap();
        assert_eq!(shop.secret, "bc69152203689725a73fc45example");
        assert!(s.catalogue.variant("TSH180_856_M").is_some());
        assert!(s.catalogue.variant("TSH180_856_XL").is_some());
        assert!(s.catalogue.variant("JH001_476_XS").is_some());
        assert_eq!(s.catalogue.products().len(), 29);
        assert_eq!(s.catalogue.variant_skus().len(), 1717);
        let again = from_value(serde_json::to_value(s.to_document()).unwrap()).unwrap();
        assert_eq!(again, s);
    }
}
