//! `sim-printxpand`: PrintXpand's custom API (a Magento 2 extension for product-designer
//! stores), as pure functions over an in-memory [`State`].
//!
//! Six batch endpoints create or update customers, categories, products and orders and
//! delete categories and products; [`batch::process`] applies one request body item by
//! item and builds the answer the seed (`shared/seeds/003_*`) shows. The HTTP layer
//! (Magento's authentication, routing and error envelope), the delivery of the
//! product-designer callback and `/__sim/` are not here yet: see `COVERAGE.md`.
//!
//! The fixture store is `fixtures/printxpand/seed.json` ([`fixture`]).

pub mod batch;
pub(crate) mod categories;
pub(crate) mod customers;
mod json;
pub mod messages;
pub(crate) mod orders;
pub mod products;
pub mod state;

pub use batch::{Answer, Kind, Malformed, process};
pub use state::{Snapshot, State};

/// The fixture store's JSON (`fixtures/printxpand/seed.json`).
pub const FIXTURE: &str = include_str!("../../../fixtures/printxpand/seed.json");

/// A fixture document: `{"notes": "...", "state": {customers, categories, products,
/// orders}}`, checked by [`Snapshot::validate`].
pub fn parse_fixture(text: &str) -> Result<State, String> {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        #[allow(dead_code)]
        notes: Option<String>,
        state: State,
    }
    serde_json::from_str::<Doc>(text)
        .map(|d| d.state)
        .map_err(|e| e.to_string())
}

/// The fixture store, as embedded; a broken embedded fixture is a build defect (the
/// crate's tests load it).
pub fn fixture() -> State {
    parse_fixture(FIXTURE).unwrap_or_else(|e| panic!("embedded printxpand fixture: {e}"))
}
