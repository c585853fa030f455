//! Thin handlers: read the bound input from [`Ctx`], call the domain, shape Magento's
//! JSON. Each runs with the state locked, so each operation is atomic.

pub mod attributes;
pub mod carts;
pub mod catalog;
pub mod configurable;
pub mod customers;
pub mod lifecycle;
pub mod msi;
pub mod orders;
pub mod prices;
pub mod product_media;
pub mod stores;
pub mod tokens;

use serde_json::Value;
use time::OffsetDateTime;

use crate::errors::MResult;
use crate::state::State;

/// A route's handler.
pub type Handler = fn(&mut Ctx<'_>) -> MResult<Value>;

/// Which store a request runs in (`/rest/V1`, `/rest/{code}/V1`, `/rest/all/V1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No store code: the default store view of the default website.
    Default,
    /// A store view code: that store view (by id).
    Store(u64),
    /// `all`: the admin store (id 0), global values.
    All,
}

pub use sim_magento_webapi::auth::Principal;

/// Everything a handler gets.
pub struct Ctx<'a> {
    /// The store, locked for the whole operation.
    pub state: &'a mut State,
    /// The simulator clock's now.
    pub now: OffsetDateTime,
    /// Store scope of the URL.
    pub scope: Scope,
    /// Path parameters, URL-decoded, in pattern order.
    pub params: Vec<String>,
    /// Query string parsed PHP-style (an object).
    pub query: Value,
    /// JSON body (an object; empty object when there was none).
    pub body: Value,
    /// The caller.
    pub principal: Principal,
    /// An answer the handler wrote as JSON bytes itself (see [`crate::render`]); when
    /// set, it is sent instead of the `Value` the handler returns.
    pub rendered: Option<axum::body::Bytes>,
}

impl Ctx<'_> {
    /// Answers with JSON the handler rendered itself: `bytes` go out as the body.
    pub fn reply_rendered(&mut self, bytes: axum::body::Bytes) -> MResult<Value> {
        self.rendered = Some(bytes);
        Ok(Value::Null)
    }

    /// Path parameter `i` (empty when absent, which the route table rules out).
    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map_or("", String::as_str)
    }

    /// Store view id the request runs in (0 for `all`).
    pub fn store_id(&self) -> u64 {
        match self.scope {
            Scope::Default => self.state.default_store_view().map_or(1, |s| s.id),
            Scope::Store(id) => id,
            Scope::All => 0,
        }
    }

    /// Website of the request's store (0 for `all`).
    pub fn website_id(&self) -> u64 {
        let id = self.store_id();
        self.state
            .store_views
            .iter()
            .find(|s| s.id == id)
            .map_or(0, |s| s.website_id)
    }
}
