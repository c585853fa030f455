//! Abandoned carts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::Mode;

/// The abandoned carts of one mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AbandonedCarts {
    items: Vec<Value>,
}

impl AbandonedCarts {
    /// Rebuilds the indexes after an import.
    pub fn reindex(&mut self, _mode: Mode) -> Result<(), String> {
        Ok(())
    }
}
